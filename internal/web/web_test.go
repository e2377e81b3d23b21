package web

import (
	"encoding/json"
	"io/fs"
	"maps"
	"slices"
	"testing"
)

func TestSafeNext(t *testing.T) {
	cases := map[string]string{
		"":                       "/",
		"/appeals/12":            "/appeals/12",
		"/appeals?page=2":        "/appeals?page=2",
		"//evil.example/x":       "/",
		"/\\evil.example":        "/",
		"https://evil.example/":  "/",
		"javascript:alert(1)":    "/",
		"appeals":                "/",
		"/ok\r\nSet-Cookie: x=y": "/",
		"/%2F%2Fevil.example":    "/%2F%2Fevil.example",
		"/\tevil":                "/",
		"http:/\\/evil.example":  "/",
		"/path#frag":             "/path",
	}
	for in, want := range cases {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every message exists in every language.
func TestLocalesHaveTheSameKeys(t *testing.T) {
	keys := map[string][]string{}
	for _, l := range Languages {
		b, err := fs.ReadFile(localeFiles, "locales/"+l+".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		keys[l] = slices.Sorted(maps.Keys(m))
	}
	for _, l := range Languages[1:] {
		if !slices.Equal(keys[l], keys[Languages[0]]) {
			t.Errorf("%s and %s differ", l, Languages[0])
			for _, k := range keys[Languages[0]] {
				if !slices.Contains(keys[l], k) {
					t.Errorf("  %s lacks %s", l, k)
				}
			}
			for _, k := range keys[l] {
				if !slices.Contains(keys[Languages[0]], k) {
					t.Errorf("  %s lacks %s", Languages[0], k)
				}
			}
		}
	}
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.For("en").Tf("appeal.registered.text", "Index", "К-1", "Due", "01.02.2024"); got != "Registration index: К-1. The reply is due by 01.02.2024." {
		t.Errorf("Tf: %q", got)
	}
	if got := tr.For("xx").T("nav.sign_in"); got != "Увійти" {
		t.Errorf("unknown language falls back to Ukrainian, got %q", got)
	}
}
