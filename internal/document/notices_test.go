package document

import (
	"bytes"
	"testing"
)

// Several villages' rosters make one PDF, each from a new page.
func TestRenderNotices(t *testing.T) {
	var b bytes.Buffer
	if err := RenderNotices(&b, "公示", []Notice{sampleNotice(3), sampleNotice(2)}); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes(), 2)
	b.Reset()
	if err := RenderNotices(&b, "公布", nil); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes(), 1)
}
