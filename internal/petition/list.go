package petition

import (
	"context"
	"slices"
	"strings"

	"github.com/hromada/hromada/internal/form"
)

// Filter selects petitions for the public list and the open-data API.
type Filter struct {
	State   string // one of the public states, or "" for all public ones
	Subject string
	Query   string // words of the title or text
	Sort    string // "signatures", "newest" (default), "ending"
	Page    int    // from 1
	PerPage int
	// WithText reads the petitions' texts and answers too (the open-data API); lists show neither.
	WithText bool
}

// Sorts the list offers.
var Sorts = []string{"newest", "signatures", "ending"}

// PublicStates are the states anyone may see.
var PublicStates = []string{StateCollecting, StateConsideration, StateAnswered, StateExpired, StateArchived}

// List returns one page of public petitions and the total that match.
func (s *Service) List(ctx context.Context, f Filter) ([]Petition, int64, error) {
	if err := s.freshCounts(ctx); err != nil {
		return nil, 0, err
	}
	q := s.db.WithContext(ctx).Model(&Petition{})
	if slices.Contains(PublicStates, f.State) {
		q = q.Where("state = ?", f.State)
	} else {
		q = q.Where("state IN ?", PublicStates)
	}
	if s.clf.Subjects.Has(f.Subject) {
		q = q.Where("subject_code = ?", f.Subject)
	}
	for _, w := range strings.Fields(strings.ToLower(f.Query)) {
		w = form.Cut(w, 64) // by characters: a byte cut splits a letter, and PostgreSQL refuses half a letter
		like := "%" + escapeLike(w) + "%"
		q = q.Where("search_text LIKE ? ESCAPE '\\'", like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	switch f.Sort {
	case "signatures":
		q = q.Order("signature_count DESC, id DESC")
	case "ending":
		q = q.Order("CASE WHEN state = 'collecting' THEN 0 ELSE 1 END, collection_ends_at, id")
	default:
		q = q.Order("COALESCE(published_at, created_at) DESC, id DESC")
	}
	if f.PerPage <= 0 || f.PerPage > 100 {
		f.PerPage = 20
	}
	if f.Page < 1 {
		f.Page = 1
	}
	cols := listColumns
	if f.WithText {
		cols = append(append([]string(nil), listColumns...), "text", "answer_text")
	}
	var list []Petition
	if err := q.Select(cols).Offset((f.Page - 1) * f.PerPage).Limit(f.PerPage).Find(&list).Error; err != nil {
		return nil, 0, err
	}
	return list, total, s.showLive(ctx, list)
}

// showLive puts on each listed petition the count its own page shows (Count's two-second cache) and its
// days left. The stored count only orders the list: shown beside the page's live count, a count stored up
// to two seconds before the last signatures made a list say 0 of 250 where the page said 2.
func (s *Service) showLive(ctx context.Context, list []Petition) error {
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	counts, err := s.Counts(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].SignatureCount = counts[list[i].ID]
		list[i].DaysLeft = s.DaysLeft(&list[i])
	}
	return nil
}

// Highlights are the petitions the home page shows: the most signed and the soonest to end of those
// collecting, and the latest answered.
type Highlights struct {
	Popular, Ending, Answered []Petition
}

// Highlights returns up to n petitions of each kind.
func (s *Service) Highlights(ctx context.Context, n int) (Highlights, error) {
	var h Highlights
	var err error
	if h.Popular, _, err = s.List(ctx, Filter{State: StateCollecting, Sort: "signatures", PerPage: n, Page: 1}); err != nil {
		return h, err
	}
	if h.Ending, _, err = s.List(ctx, Filter{State: StateCollecting, Sort: "ending", PerPage: n, Page: 1}); err != nil {
		return h, err
	}
	if err = s.db.WithContext(ctx).Select(listColumns).Where("state = ?", StateAnswered).Order("answered_at DESC, id DESC").Limit(n).
		Find(&h.Answered).Error; err != nil {
		return h, err
	}
	return h, s.showLive(ctx, h.Answered)
}

// AllPublic returns every public petition, oldest first, for the CSV export.
func (s *Service) AllPublic(ctx context.Context) ([]Petition, error) {
	if err := s.freshCounts(ctx); err != nil {
		return nil, err
	}
	var list []Petition
	err := s.db.WithContext(ctx).Select(listColumns).Where("state IN ?", PublicStates).Order("id").Find(&list).Error
	return list, err
}

// UnderConsideration lists petitions waiting for the council's answer, the most urgent first.
func (s *Service) UnderConsideration(ctx context.Context) ([]Petition, error) {
	var list []Petition
	err := s.db.WithContext(ctx).Where("state = ?", StateConsideration).Order("consideration_due, id").Find(&list).Error
	return list, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
