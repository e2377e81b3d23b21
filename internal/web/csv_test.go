package web

import "testing"

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"Коваленко": "Коваленко", "": "", "=1+2": "'=1+2", " =HYPERLINK()": "' =HYPERLINK()", "＝1": "'＝1",
		"-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "a=b": "a=b", "  ": "  ",
	} {
		if got := CSVSafe(in); got != want {
			t.Errorf("CSVSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
