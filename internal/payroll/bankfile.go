package payroll

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"safetynet/internal/access"
	"safetynet/internal/apperr"
	"safetynet/internal/audit"
	"safetynet/internal/money"
	"safetynet/internal/region"
)

// BankFile is a payment file for one bank of one county (docs/bankfile.md).
type BankFile struct {
	County string // 6 digits
	Month  string
	Bank   string
	Count  int
	Total  money.Money
	Data   []byte
}

// Name is the file's name: county, month and bank.
func (f BankFile) Name() string {
	bank := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' || r < 32 {
			return '_'
		}
		return r
	}, f.Bank)
	return fmt.Sprintf("%s-%s-%s.txt", f.County, MonthKey(f.Month), bank)
}

// Reference is how a line is named in bank files and returns: the county
// (6 digits), a dash and the line key.
func Reference(l *Line) string { return l.County[:6] + "-" + l.Key }

// clean keeps a field from breaking the layout.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '|' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// BuildBankFiles writes the bank files of a county's month from its lines
// (any order): one per bank, banks in byte order, lines by key. Only the
// lines that went to the bank (exported, or exported and since failed)
// are written, so that a file exported again is byte-identical.
func BuildBankFiles(month, county string, lines []Line) []BankFile {
	byBank := map[string][]*Line{}
	for i := range lines {
		l := &lines[i]
		if l.Status != Sent && l.Status != Failed {
			continue
		}
		byBank[l.Bank] = append(byBank[l.Bank], l)
	}
	banks := make([]string, 0, len(byBank))
	for b := range byBank {
		banks = append(banks, b)
	}
	slices.Sort(banks)
	var out []BankFile
	for _, bank := range banks {
		ls := byBank[bank]
		slices.SortFunc(ls, func(a, b *Line) int { return strings.Compare(a.Key, b.Key) })
		var total money.Money
		for _, l := range ls {
			total += l.Amount
		}
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "H|SNPAY1|%s|%s|%s|%d|%d\n", county[:6], month, clean(bank), len(ls), total.Fen())
		for i, l := range ls {
			buf.WriteString("D|")
			buf.WriteString(strconv.Itoa(i + 1))
			buf.WriteByte('|')
			buf.WriteString(clean(l.Account))
			buf.WriteByte('|')
			buf.WriteString(clean(l.Name))
			buf.WriteByte('|')
			buf.WriteString(strconv.FormatInt(l.Amount.Fen(), 10))
			buf.WriteByte('|')
			buf.WriteString(Reference(l))
			buf.WriteByte('\n')
		}
		sum := sha256.Sum256(buf.Bytes())
		fmt.Fprintf(&buf, "T|%d|%d|%s\n", len(ls), total.Fen(), hex.EncodeToString(sum[:]))
		out = append(out, BankFile{County: county[:6], Month: month, Bank: bank, Count: len(ls), Total: total, Data: buf.Bytes()})
	}
	return out
}

// ExportResult is the bank files of a region's month.
type ExportResult struct {
	Files []BankFile
	// Skipped are the counties (6 digits) not yet approved.
	Skipped []string
}

// Export writes the bank files of a region's month: the approved counties
// are marked exported (their lines exported, or held when the household
// has no bank account) and every exported county's files are returned,
// byte-identical each time. Counties not yet approved are skipped.
// Returns NotFound without a payroll, Conflict when no county is
// approved, Forbidden without PayrollPrepare.
func (s *Service) Export(ctx context.Context, by access.Principal, month, regionCode string) (ExportResult, error) {
	var res ExportResult
	if err := by.Require(access.PayrollPrepare); err != nil {
		return res, err
	}
	code, _, err := s.scope(by, month, regionCode)
	if err != nil {
		return res, err
	}
	counties, err := s.inScope(ctx, by, month, code)
	if err != nil {
		return res, err
	}
	var ready []County
	for _, c := range counties {
		switch c.Status {
		case Approved, Exported, Reconciled:
			ready = append(ready, c)
		default:
			res.Skipped = append(res.Skipped, c.County[:6])
		}
	}
	if len(ready) == 0 {
		return res, apperr.New(apperr.Conflict, month+" 没有已审批的发放名册", "no approved payroll for "+month)
	}
	for _, c := range ready {
		if c.Status != Approved {
			continue
		}
		err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
			if err := s.Store.SetStatus(ctx, month, c.County, []Status{Approved}, Exported, nil, by.Username, s.now()); err != nil {
				return err
			}
			return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "payroll.export", SubjectType: "payroll",
				SubjectID: month + "/" + c.County[:6], SubjectRegion: c.County})
		})
		if err != nil {
			return res, err
		}
	}
	// Counties are read and written side by side; the files come out in
	// county order whatever the order they finish in.
	files := make([][]BankFile, len(ready))
	errs := make([]error, len(ready))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), 4)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files[i], errs[i] = s.countyFiles(ctx, month, ready[i].County)
			}
		}()
	}
	for i := range ready {
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range ready {
		if errs[i] != nil {
			return res, errs[i]
		}
		res.Files = append(res.Files, files[i]...)
	}
	// The files carry full account numbers: handing them out is recorded.
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "payroll.bankfiles", SubjectType: "payroll",
			SubjectID: month, SubjectRegion: code, After: map[string]int{"files": len(res.Files)}})
	})
	return res, err
}

// BankFile returns one exported bank file by name, for download; the
// download is recorded in the audit log (the file carries full account
// numbers). Returns NotFound as BankFiles does, or for an unknown name.
func (s *Service) BankFile(ctx context.Context, by access.Principal, month, county, name string) (BankFile, error) {
	files, err := s.BankFiles(ctx, by, month, county)
	if err != nil {
		return BankFile{}, err
	}
	for _, f := range files {
		if f.Name() == name {
			err := s.Tx.WithTx(ctx, func(ctx context.Context) error {
				return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "payroll.bankfile", SubjectType: "bank_file",
					SubjectID: name, SubjectRegion: f.County + "000000"})
			})
			return f, err
		}
	}
	return BankFile{}, apperr.New(apperr.NotFound, "没有该银行文件", "no such bank file")
}

func (s *Service) countyFiles(ctx context.Context, month, county string) ([]BankFile, error) {
	lines, err := s.Store.PaymentLines(ctx, month, county)
	if err != nil {
		return nil, err
	}
	return BuildBankFiles(month, county, lines), nil
}

// BankFiles returns the bank files of a county's month already exported,
// changing nothing. Returns NotFound when the county is unknown, outside
// by's jurisdiction or not exported; Forbidden without PayrollPrepare.
func (s *Service) BankFiles(ctx context.Context, by access.Principal, month, county string) ([]BankFile, error) {
	if err := by.Require(access.PayrollPrepare); err != nil {
		return nil, err
	}
	if _, err := ParseMonth(month); err != nil {
		return nil, err
	}
	notFound := apperr.New(apperr.NotFound, "没有已导出的银行文件", "no bank files exported")
	code, err := region.Normalize(county)
	if err != nil || region.LevelOf(code) != region.County || !by.Covers(code) {
		return nil, notFound
	}
	cs, err := s.Store.Counties(ctx, month, code)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 || cs[0].Status.Before(Exported) {
		return nil, notFound
	}
	return s.countyFiles(ctx, month, code)
}

// Return codes of the bank's return file (docs/bankfile.md).
var ReturnCodes = map[string]string{
	"01": "账户已销户 account closed",
	"02": "户名不符 name does not match the account",
	"03": "账号不存在 no such account",
	"04": "账户冻结 account frozen",
	"05": "账户挂失 account reported lost",
	"99": "其他 other",
}

// ReturnRow is one failed payment in a bank's return file.
type ReturnRow struct {
	Reference string
	Account   string
	Code      string
	Message   string
}

// ParseReturn reads a return file: "reference|account|code|message" a
// line; blank lines and lines starting with # are skipped. Errors are
// Invalid naming the line.
func ParseReturn(r io.Reader) ([]ReturnRow, error) {
	var out []ReturnRow
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "|")
		field := fmt.Sprintf("line[%d]", n)
		if len(f) < 3 {
			return nil, apperr.Field(field, fmt.Sprintf("第 %d 行格式错误：应为 参考号|账号|代码|说明", n),
				fmt.Sprintf("line %d: want reference|account|code|message", n))
		}
		row := ReturnRow{Reference: strings.TrimSpace(f[0]), Account: strings.TrimSpace(f[1]), Code: strings.TrimSpace(f[2])}
		if len(f) > 3 {
			row.Message = strings.TrimSpace(strings.Join(f[3:], "|"))
		}
		if _, ok := ReturnCodes[row.Code]; !ok {
			return nil, apperr.Field(field, fmt.Sprintf("第 %d 行：未知的退回代码 %s", n, row.Code),
				fmt.Sprintf("line %d: unknown return code %s", n, row.Code))
		}
		if len(row.Reference) < 8 || row.Reference[6] != '-' {
			return nil, apperr.Field(field, fmt.Sprintf("第 %d 行：参考号格式错误", n), fmt.Sprintf("line %d: malformed reference", n))
		}
		out = append(out, row)
	}
	if err := sc.Err(); err != nil {
		return nil, apperr.Wrap(apperr.Invalid, err, "退回文件无法读取", "cannot read the return file")
	}
	return out, nil
}

// ReturnResult is what a return file changed.
type ReturnResult struct {
	Failed int
	Amount money.Money
	// Already counts rows already recorded by an earlier import.
	Already int
}

// ImportReturn records a bank's return file for a month: each returned
// payment's line is marked failed with the bank's code, to be re-issued
// in a later month's run once the account is corrected. The file is
// checked whole before anything changes; importing it again changes
// nothing. Returns Invalid naming the line (unknown reference, another
// month, account differing from the one paid), Conflict when the county's
// month is not exported, Forbidden without PayrollPrepare.
func (s *Service) ImportReturn(ctx context.Context, by access.Principal, month string, r io.Reader) (ReturnResult, error) {
	var res ReturnResult
	if err := by.Require(access.PayrollPrepare); err != nil {
		return res, err
	}
	if _, err := ParseMonth(month); err != nil {
		return res, err
	}
	rows, err := ParseReturn(r)
	if err != nil {
		return res, err
	}
	type hit struct {
		county, key, code string
	}
	var returned []hit
	states := map[string]Status{}
	for i, row := range rows {
		field := fmt.Sprintf("rows[%d]", i)
		county := row.Reference[:6] + "000000"
		key := row.Reference[7:]
		if !by.Covers(county) {
			return res, apperr.Field(field, "参考号不在您的管辖范围内："+row.Reference, "reference outside your jurisdiction: "+row.Reference)
		}
		l, err := s.Store.Line(ctx, county, key)
		if apperr.Is(err, apperr.NotFound) || (err == nil && l.Month != month) {
			return res, apperr.Field(field, "本月发放名册中没有该参考号："+row.Reference, "no such payment this month: "+row.Reference)
		}
		if err != nil {
			return res, err
		}
		if row.Account != "" && row.Account != l.Account {
			return res, apperr.Field(field, "账号与发放时不符："+row.Reference, "the account differs from the one paid: "+row.Reference)
		}
		if l.Status == Failed {
			res.Already++
			continue
		}
		if l.Status != Sent {
			return res, apperr.Field(field, "该笔未发送银行："+row.Reference, "this payment was not sent to the bank: "+row.Reference)
		}
		if _, ok := states[county]; !ok {
			cs, err := s.Store.Counties(ctx, month, county)
			if err != nil {
				return res, err
			}
			states[county] = cs[0].Status
		}
		if states[county] != Exported {
			return res, apperr.New(apperr.Conflict, "该县本月发放已对账，不能再导入退回", "the county's month is already reconciled").WithField(field)
		}
		returned = append(returned, hit{county, key, row.Code})
		res.Failed++
		res.Amount += l.Amount
	}
	if len(returned) == 0 {
		return res, nil
	}
	err = s.Tx.WithTx(ctx, func(ctx context.Context) error {
		for _, h := range returned {
			if err := s.Store.MarkFailed(ctx, h.county, h.key, h.code); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, by.Actor(), audit.Event{Action: "payroll.return", SubjectType: "payroll",
			SubjectID: month, SubjectRegion: by.Region, After: map[string]any{"failed": res.Failed, "amount": res.Amount.String()}})
	})
	return res, err
}
