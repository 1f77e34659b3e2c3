package document

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func sampleMembers(n int) []FormMember {
	ms := []FormMember{{"张三", "户主", "男", "1980-05-01", "530102********1234"}, {"李四", "配偶", "女", "1982-03-02", "530102********2222"}}
	for i := 2; i < n; i++ {
		ms = append(ms, FormMember{Name: "成员" + string(rune('甲'+i%10)), Relationship: "子女", Sex: "女",
			Birth: "2010-01-01", IDMasked: fmt.Sprintf("530102********%04d", i)})
	}
	return ms[:n]
}

func sampleApplication() Application {
	return Application{Tracking: "530102001-20250901-000001", Programme: "最低生活保障", Applicant: "张三",
		ApplicantID: "530102********1234", Head: "张三", Address: "云南省 昆明市 五华区 华山街道 翠湖社区 翠湖路1号",
		Members: sampleMembers(2), Clerk: "王芳", Window: "华山街道办事处", Date: day}
}

func sampleInvestigation(visits int) Investigation {
	v := Investigation{Tracking: "530102001-20250901-000001", Programme: "最低生活保障", Applicant: "张三",
		ApplicantID: "530102********1234", Head: "张三", Address: "云南省 昆明市 五华区 华山街道 翠湖社区",
		Members: sampleMembers(3), Date: day}
	for i := range visits {
		v.Visits = append(v.Visits, Visit{Kind: "乡镇（街道）入户调查", Date: "2025年9月3日", Method: "入户",
			Investigators: []string{"王芳", "李明"}, Findings: fmt.Sprintf("第%d次：家庭困难情况属实，住房简陋，无机动车辆。", i+1), Signed: i%2 == 0})
	}
	return v
}

func TestRenderForms(t *testing.T) {
	for _, tc := range []struct {
		name   string
		render func(*bytes.Buffer) error
		pages  int
		title  string
	}{
		{"application", func(b *bytes.Buffer) error { return RenderApplication(b, sampleApplication()) }, 1, "社会救助申请书"},
		{"application-empty", func(b *bytes.Buffer) error { return RenderApplication(b, Application{Date: day}) }, 1, "社会救助申请书"},
		{"application-many", func(b *bytes.Buffer) error {
			a := sampleApplication()
			a.Members = sampleMembers(40)
			return RenderApplication(b, a)
		}, 2, "社会救助申请书"},
		{"investigation", func(b *bytes.Buffer) error { return RenderInvestigation(b, sampleInvestigation(2)) }, 1, "社会救助入户调查记录"},
		{"investigation-blank", func(b *bytes.Buffer) error { return RenderInvestigation(b, sampleInvestigation(0)) }, 1, "社会救助入户调查记录"},
		{"investigation-long", func(b *bytes.Buffer) error { return RenderInvestigation(b, sampleInvestigation(8)) }, 3, "社会救助入户调查记录"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := tc.render(&a); err != nil {
				t.Fatal(err)
			}
			checkPDF(t, a.Bytes(), tc.pages)
			if enc := utf16Title(tc.title); !bytes.Contains(a.Bytes(), enc[2:]) {
				t.Errorf("title %q not in the document information", tc.title)
			}
			if err := tc.render(&b); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("two renderings differ")
			}
			if !bytes.Contains(a.Bytes(), []byte("/CreationDate (D:2025")) {
				t.Errorf("creation date not taken from the input")
			}
			if dir := os.Getenv("DOCUMENT_OUT"); dir != "" {
				os.WriteFile(filepath.Join(dir, tc.name+".pdf"), a.Bytes(), 0o644)
			}
		})
	}
}
