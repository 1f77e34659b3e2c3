package document

import (
	"bytes"
	"fmt"
	"testing"
)

func sampleVerification(members int) Verification {
	v := Verification{Number: "HD96285486938774125", Household: "户主 张三（3人）", Address: "云南省 昆明市 五华区 华山街道 翠湖社区",
		Case: "530102001-20250901-000001", AsOf: "2025-09-04", Policy: "530100000000@2025-07-01", Verdict: "不符合条件",
		Reasons: []string{"李四名下有价值超过 80000.00 元的车辆 1 辆（最高 150000.00 元），不符合财产条件", "张三名下有未申报的车辆 1 辆（最高价值 60000.00 元），需核实"},
		Note:    "经核实，该车辆已于2025年6月报废，尚未注销登记", Issuer: "五华区 居民家庭经济状况核对中心", Date: day}
	for i := range members {
		m := VerificationMember{Name: fmt.Sprintf("成员%d", i+1), ID: fmt.Sprintf("530102********%04d", i)}
		if i%2 == 0 {
			m.Findings = []VerificationFinding{{Source: "机动车登记", What: "vehicle，150000.00 元，云A12345，小型轿车 云A12345，价值 150000.00 元"},
				{Source: "银行存款", What: "deposit，200000.00 元，农业银行", Manual: true}}
		}
		v.Members = append(v.Members, m)
	}
	for _, s := range []string{"机动车登记", "不动产登记", "银行存款"} {
		v.Sources = append(v.Sources, VerificationSource{Name: s, Mode: "联网比对", Date: "2025-08-31"})
	}
	return v
}

// The report prints on A4 with the CJK face, deterministically, over as
// many pages as its members need; it refuses to print without a number.
func TestRenderVerification(t *testing.T) {
	for _, tc := range []struct {
		members, pages int
	}{{3, 1}, {40, 4}} {
		var a, b bytes.Buffer
		if err := RenderVerification(&a, sampleVerification(tc.members)); err != nil {
			t.Fatal(err)
		}
		checkPDF(t, a.Bytes(), tc.pages)
		if enc := utf16Title("居民家庭经济状况核对报告"); !bytes.Contains(a.Bytes(), enc[2:]) {
			t.Errorf("title not in the document information")
		}
		if err := RenderVerification(&b, sampleVerification(tc.members)); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("two renderings differ (%v)", err)
		}
	}
	if err := RenderVerification(&bytes.Buffer{}, Verification{}); err == nil {
		t.Error("a report without a number rendered")
	}
}
