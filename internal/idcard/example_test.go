package idcard_test

import (
	"errors"
	"fmt"
	"time"

	"safetynet/internal/idcard"
)

func ExampleParseAt() {
	today := time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)

	// A 15-digit legacy number is upgraded to 18 digits.
	id, err := idcard.ParseAt("110105491231002", today)
	if err != nil {
		panic(err)
	}
	fmt.Println(id.Mask(), id.BirthDate().Format(time.DateOnly), id.Sex(), id.AgeOn(today))

	// A typing error is reported with its reason.
	_, err = idcard.ParseAt("110105194912310021", today)
	var e *idcard.Error
	if errors.As(err, &e) {
		fmt.Println(e.Reason, "|", e.Zh(), "|", e)
	}
	// Output:
	// 110105********002X 1949-12-31 female 75
	// wrong_check | 身份证号码校验码错误 | idcard: wrong check digit in ID number (want X)
}
