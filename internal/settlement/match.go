package settlement

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/classifier"
)

// Index finds the community's active settlements in addresses as people write them: "м. Зразкове",
// "с.Зелене", "смт Лісове", "ЗРАЗКОВЕ", "Кам’янка" and "Камʼянка" alike. The zero of it (nil) finds
// nothing.
type Index struct {
	byFirst map[string][]place // a name's first word → the settlements whose name starts with it
	marks   map[string][][]string
	ids     map[int64]bool
}

// place is a settlement as the index compares it.
type place struct {
	id    int64
	kind  string
	words []string
}

// NewIndex indexes the active settlements of list; kinds give the marks addresses write before names.
func NewIndex(list []Settlement, kinds classifier.List) *Index {
	ix := &Index{byFirst: map[string][]place{}, marks: map[string][][]string{}, ids: map[int64]bool{}}
	for _, k := range kinds {
		for _, m := range k.Marks {
			if w := words(m); len(w) > 0 {
				ix.marks[k.Code] = append(ix.marks[k.Code], w)
			}
		}
	}
	for _, s := range list {
		w := words(s.NameUK)
		if !s.Active || len(w) == 0 {
			continue
		}
		ix.byFirst[w[0]] = append(ix.byFirst[w[0]], place{id: s.ID, kind: s.Kind, words: w})
		ix.ids[s.ID] = true
	}
	return ix
}

// LoadIndex indexes the active settlements as the transaction (or database) sees them now.
func LoadIndex(ctx context.Context, db *gorm.DB, kinds classifier.List) (*Index, error) {
	active, err := list(ctx, db, true)
	if err != nil {
		return nil, err
	}
	return NewIndex(active, kinds), nil
}

// Has tells whether id is an active settlement of the index.
func (ix *Index) Has(id int64) bool { return ix != nil && ix.ids[id] }

// found is one settlement's name found in the address's words [start, end).
type found struct {
	p          place
	start, end int
	rank       int // rankPlain, rankMarked (a kind's mark before it) or rankAgrees (its own kind's mark)
}

const (
	rankPlain = iota
	rankMarked
	rankAgrees
)

// Match returns the settlement the address names, or nil when it names none or cannot be told: two
// settlements found alike (two villages of one name, or two names without a mark to prefer one).
//
// A name is found as whole words, so "Зелене" is not found in "Зеленівська". Where several are found,
// one written after its own kind's mark ("с. Зелене" for a village) comes first, then one after any mark,
// then the rest; a name found inside a longer one found at the same place ("Басань" in "Нова Басань")
// does not count. The city's own addresses often name no settlement at all ("вул. Соборна, 1"): they stay
// unmatched rather than guessed.
func (ix *Index) Match(address string) *int64 {
	if ix == nil || len(ix.byFirst) == 0 {
		return nil
	}
	w := words(address)
	var all []found
	for i := range w {
		for _, p := range ix.byFirst[w[i]] {
			if end := i + len(p.words); end <= len(w) && slices.Equal(w[i:end], p.words) {
				all = append(all, found{p: p, start: i, end: end, rank: ix.rank(w[:i], p.kind)})
			}
		}
	}
	best, ids := -1, []int64(nil)
	for _, f := range all {
		if slices.ContainsFunc(all, func(o found) bool { return o.p.id != f.p.id && inside(f, o) }) {
			continue
		}
		switch {
		case f.rank > best:
			best, ids = f.rank, []int64{f.p.id}
		case f.rank == best && !slices.Contains(ids, f.p.id):
			ids = append(ids, f.p.id)
		}
	}
	if len(ids) != 1 {
		return nil
	}
	return &ids[0]
}

// inside tells whether f lies within o and is shorter.
func inside(f, o found) bool {
	return o.start <= f.start && f.end <= o.end && o.end-o.start > f.end-f.start
}

// rank says how the words before a name mark it: with the settlement's own kind, another kind, or none.
func (ix *Index) rank(before []string, kind string) int {
	r := rankPlain
	for k, marks := range ix.marks {
		for _, m := range marks {
			if len(m) <= len(before) && slices.Equal(before[len(before)-len(m):], m) {
				if k == kind {
					return rankAgrees
				}
				r = rankMarked
			}
		}
	}
	return r
}

// apostrophes are the marks people type for the Ukrainian apostrophe; a name is compared without them.
const apostrophes = "'’ʼ`‘′＇"

// latinLookalikes are Latin letters typed for the Cyrillic ones they look like ("Бiла" with a Latin i),
// lower-cased; replaced in words that have a Cyrillic letter or are made of look-alikes only ("c." for
// "с.", "cmt").
var latinLookalikes = map[rune]rune{'a': 'а', 'c': 'с', 'e': 'е', 'i': 'і', 'o': 'о', 'p': 'р', 'x': 'х',
	'y': 'у', 'k': 'к', 'm': 'м', 'h': 'н', 'b': 'в', 't': 'т', 'ï': 'ї'}

// words splits text into lower-case words of letters and digits: punctuation, hyphens and spaces part
// them, apostrophes vanish, Latin look-alikes in Cyrillic words become Cyrillic.
func words(text string) []string {
	text = strings.Map(func(r rune) rune {
		if strings.ContainsRune(apostrophes, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, text)
	out := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range out {
		cyrillic := strings.ContainsFunc(w, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
		lookalike := !strings.ContainsFunc(w, func(r rune) bool { _, ok := latinLookalikes[r]; return !ok })
		if !cyrillic && !lookalike {
			continue
		}
		out[i] = strings.Map(func(r rune) rune {
			if c, ok := latinLookalikes[r]; ok {
				return c
			}
			return r
		}, w)
	}
	return out
}
