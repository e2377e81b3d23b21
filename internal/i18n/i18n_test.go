package i18n

import (
	"encoding/json"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"testing"
)

// pluralForms are the CLDR plural categories of each language (unicode.org/cldr, plurals.xml): a message
// about a count has exactly these forms, so no number ever falls back to a wrong one.
var pluralForms = map[string][]string{"uk": {"few", "many", "one", "other"}, "en": {"one", "other"}}

// Every message exists in every language. Messages live in locales/<lang>.json and, for a part of the
// site kept apart, locales/<part>.<lang>.json: each part has the same keys in every language. A message
// about a count is an object of plural forms in every language, with exactly the language's forms.
func TestLocalesHaveTheSameKeys(t *testing.T) {
	files, err := fs.Glob(localeFiles, "locales/*.json")
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".json")
		part, _, _ := strings.Cut(name, ".")
		if slices.Contains(Languages, name) {
			part = ""
		}
		parts[part] = true
	}
	for part := range parts {
		keys := map[string][]string{}
		plural := map[string]map[string]bool{} // language → plural message ids
		for _, l := range Languages {
			name := "locales/" + l + ".json"
			if part != "" {
				name = "locales/" + part + "." + l + ".json"
			}
			b, err := fs.ReadFile(localeFiles, name)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]json.RawMessage{}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			keys[l] = slices.Sorted(maps.Keys(m))
			plural[l] = map[string]bool{}
			for id, raw := range m {
				var forms map[string]string
				if json.Unmarshal(raw, &forms) != nil {
					continue // a plain message
				}
				plural[l][id] = true
				if got := slices.Sorted(maps.Keys(forms)); !slices.Equal(got, pluralForms[l]) {
					t.Errorf("%s %s: forms %v, want %v", name, id, got, pluralForms[l])
				}
			}
		}
		for _, a := range Languages {
			for id := range plural[a] {
				for _, b := range Languages {
					if slices.Contains(keys[b], id) && !plural[b][id] {
						t.Errorf("%s is plural in %s, not in %s", id, a, b)
					}
				}
			}
		}
		for _, l := range Languages[1:] {
			for _, k := range keys[Languages[0]] {
				if !slices.Contains(keys[l], k) {
					t.Errorf("%s %s lacks %s", part, l, k)
				}
			}
			for _, k := range keys[l] {
				if !slices.Contains(keys[Languages[0]], k) {
					t.Errorf("%s %s lacks %s", part, Languages[0], k)
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
