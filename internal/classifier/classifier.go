// Package classifier holds the classifier of citizens' appeals (Cabinet resolution No. 858) as an
// embedded data file: channels, types, natures, signs of receipt, subjects, author categories, social
// statuses. Lists change by editing data/classifier.json, never code.
package classifier

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/hromada/hromada/internal/i18n"
)

// Item is one entry of a list: its code and its name in both languages ("uk" and "en" in the file).
type Item struct {
	Code      string `json:"code"`
	i18n.Text        // the name
	Row       string `json:"row,omitempty"`      // channels: the classifier row (1.x) it belongs to
	Priority  bool   `json:"priority,omitempty"` // categories: entitled to priority handling
	// Channels only: how appeals arriving by the channel behave, as data rather than switches in code.
	DocumentKind string `json:"document_kind,omitempty"` // the card's document kind (the registry's Doc* codes)
	ExternalRef  bool   `json:"external_ref,omitempty"`  // carries the sender's own number (hotline card, outgoing number)
	ReportRow    string `json:"report_row,omitempty"`    // the row of form 1 it is counted in
	// Settlement kinds only: how an address writes the kind before a settlement's name ("м.", "смт").
	Marks []string `json:"marks,omitempty"`
	// Subjects and categories: the Ukrainian name in the genitive, as the report's sentences put it —
	// a subject after «питання» ("питання комунального господарства – 857 або 46%"), a category, in the
	// plural, after «від» ("від внутрішньо переміщених осіб (ВПО) – 12"). Data, not an inflecting rule:
	// the names are phrases whose every word changes its own way.
	Genitive string `json:"uk_genitive,omitempty"`
}

// Name returns the item's name in the language (English when asked for, Ukrainian otherwise); templates
// call it as {{.Name $.Lang}}, like a department's.
func (i Item) Name(lang string) string { return i.In(lang) }

// GenitiveName is the name as the report's sentences need it: the Ukrainian genitive, or the plain name
// in English (which has no case to change) and where the file gives no genitive.
func (i Item) GenitiveName(lang string) string {
	if lang != "en" && i.Genitive != "" {
		return i.Genitive
	}
	return i.Name(lang)
}

// List is one ordered list of the classifier.
type List []Item

// Get returns the item with the code.
func (l List) Get(code string) (Item, bool) {
	for _, it := range l {
		if it.Code == code {
			return it, true
		}
	}
	return Item{}, false
}

// Has reports whether code is in the list.
func (l List) Has(code string) bool {
	_, ok := l.Get(code)
	return ok
}

// Name returns the name of code in lang, or the code itself when unknown (old data stays readable).
func (l List) Name(code, lang string) string {
	if it, ok := l.Get(code); ok {
		return it.Name(lang)
	}
	return code
}

// Classifier is the whole data file.
type Classifier struct {
	Types          List `json:"types"`
	Natures        List `json:"natures"`
	Signs          List `json:"signs"`
	Channels       List `json:"channels"`
	Subjects       List `json:"subjects"`
	Categories     List `json:"categories"`
	SocialStatuses List `json:"social_statuses"`
	Genders        List `json:"genders"`
	Results        List `json:"results"`      // results of consideration (9.x)
	Art8Reasons    List `json:"art8_reasons"` // reasons to leave an appeal without consideration
	// SettlementKinds are the kinds of the community's settlements (місто, селище, село), with the marks
	// addresses write before their names.
	SettlementKinds List `json:"settlement_kinds"`
}

//go:embed data/classifier.json
var raw []byte

// Load parses the embedded data; a broken file stops the program at start.
func Load() (*Classifier, error) {
	var c Classifier
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("classifier data: %w", err)
	}
	for name, l := range map[string]List{"types": c.Types, "channels": c.Channels, "subjects": c.Subjects,
		"categories": c.Categories, "social_statuses": c.SocialStatuses, "natures": c.Natures, "signs": c.Signs,
		"results": c.Results, "art8_reasons": c.Art8Reasons, "settlement_kinds": c.SettlementKinds} {
		if len(l) == 0 {
			return nil, fmt.Errorf("classifier data: list %s is empty", name)
		}
		seen := map[string]bool{}
		for _, it := range l {
			if it.Code == "" || it.UK == "" || it.EN == "" || seen[it.Code] {
				return nil, fmt.Errorf("classifier data: list %s has an empty, unnamed or repeated code %q", name, it.Code)
			}
			seen[it.Code] = true
		}
	}
	for _, ch := range c.Channels {
		if ch.DocumentKind == "" || ch.ReportRow == "" {
			return nil, fmt.Errorf("classifier data: channel %q needs a document_kind and a report_row", ch.Code)
		}
	}
	for _, k := range c.SettlementKinds {
		if len(k.Marks) == 0 {
			return nil, fmt.Errorf("classifier data: settlement kind %q needs its marks", k.Code)
		}
	}
	return &c, nil
}
