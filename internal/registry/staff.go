package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
)

// PageSize is the number of appeals on one page of the staff registry.
const PageSize = 50

// MaxExportRows caps one export, so a careless filter cannot make a file no spreadsheet opens.
const MaxExportRows = 100000

// CountCap is how far the journal counts the appeals its filter selects: counting every match of a
// broad filter on every page would read the whole registry; past the cap the page says "more than".
const CountCap = 10000

// Orders of the staff registry. Each is a keyset over an index of its whole key (migration 00021).
const (
	SortReceivedDesc = "received_desc" // newest first (the default)
	SortReceivedAsc  = "received_asc"
	SortDueAsc       = "due_asc" // the nearest deadline first
	SortDueDesc      = "due_desc"
)

// Sorts lists the orders the registry offers.
var Sorts = []string{SortReceivedDesc, SortReceivedAsc, SortDueAsc, SortDueDesc}

// Filter is what staff narrow the registry by. Zero values filter nothing.
type Filter struct {
	From, To        time.Time // days of receipt, inclusive, as calendar dates in the council's zone (only Y-M-D is read)
	Channel         string
	Status          string
	Type            string
	Subject         string // any question with this subject code
	DepartmentID    int64
	ExecutorID      int64 // the executor named in the resolution
	Scoped          bool  // only appeals ScopeDepartment leads or helps with: what an executor may see
	ScopeDepartment int64
	Overdue         bool // the due date has passed and there is no answer yet (appeals under deadline control)
	DueWithinDays   int  // > 0: not answered and due between today and today + N (appeals under deadline control)
	Breach          bool // forwarded or returned after the step's term
	Priority        bool
	SettlementID    int64  // the author's settlement
	NoSettlement    bool   // only appeals whose settlement is not determined
	Query           string // part of the index, the author's name or the summary, in any case
	Sort            string
	// Cursor continues the journal from a page's first or last row (JournalPage gives them); empty, or one
	// that cannot be read or was made for another order, is the first page.
	Cursor string
}

// String names the filter's set conditions, for the audit log.
func (f Filter) String() string {
	var parts []string
	add := func(k string, v any, set bool) {
		if set {
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	add("from", f.From.Format("2006-01-02"), !f.From.IsZero())
	add("to", f.To.Format("2006-01-02"), !f.To.IsZero())
	add("channel", f.Channel, f.Channel != "")
	add("status", f.Status, f.Status != "")
	add("type", f.Type, f.Type != "")
	add("subject", f.Subject, f.Subject != "")
	add("department", f.DepartmentID, f.DepartmentID != 0)
	add("executor", f.ExecutorID, f.ExecutorID != 0)
	add("scope", f.ScopeDepartment, f.Scoped)
	add("overdue", f.Overdue, f.Overdue)
	add("due_within", f.DueWithinDays, f.DueWithinDays != 0)
	add("breach", f.Breach, f.Breach)
	add("priority", f.Priority, f.Priority)
	add("settlement", f.SettlementID, f.SettlementID != 0)
	add("no_settlement", f.NoSettlement, f.NoSettlement)
	add("q", f.Query, f.Query != "")
	return strings.Join(parts, " ")
}

// ListForStaff returns the first page of the appeals the filter selects, with their questions, and how
// many the filter selects in all: for the dashboards, whose lists are short and whose totals are exact.
// The journal pages with JournalPage.
func (s *Service) ListForStaff(ctx context.Context, f Filter) ([]Appeal, int64, error) {
	var total int64
	if err := s.staffQuery(ctx, f).Model(&Appeal{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count appeals: %w", err)
	}
	f.Cursor = ""
	list, err := s.staffPage(ctx, f, cursor{}, PageSize)
	if err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// JournalPage is one page of the staff journal.
type JournalPage struct {
	Appeals []Appeal
	// Total is how many appeals the filter selects, counted up to CountCap; More says there are more.
	Total int64
	More  bool
	// Prev and Next are the cursors of the neighbouring pages (Filter.Cursor), "" at the ends; First
	// says this is the first page.
	Prev, Next string
	First      bool
}

// JournalPage returns the page of the appeals the filter selects that its cursor points at, in the
// filter's order. Pages are read by keyset: a page is the PageSize rows after (or before) the cursor's
// sort key, found in the order's index, so a deep page costs what the first one does; the count stops at
// CountCap for the same reason.
func (s *Service) JournalPage(ctx context.Context, f Filter) (JournalPage, error) {
	var p JournalPage
	sub := s.staffQuery(ctx, f).Model(&Appeal{}).Select("1").Limit(CountCap + 1)
	if err := s.db.WithContext(ctx).Table("(?) AS capped", sub).Count(&p.Total).Error; err != nil {
		return p, fmt.Errorf("count appeals: %w", err)
	}
	if p.Total > CountCap {
		p.Total, p.More = CountCap, true
	}
	cur := decodeCursor(f.Cursor, sortOf(f.Sort))
	list, err := s.staffPage(ctx, f, cur, PageSize+1)
	if err != nil {
		return p, err
	}
	// One row more than a page says whether the list goes on in the direction read.
	further := len(list) > PageSize
	if further {
		list = list[:PageSize]
	}
	if cur.before {
		slices.Reverse(list)
	}
	p.Appeals = list
	if len(list) == 0 {
		// A cursor past the end (rows removed from the filter since): the way back is the first page.
		p.First = cur.zero()
		return p, nil
	}
	key := sortOf(f.Sort)
	first, last := &list[0], &list[len(list)-1]
	switch {
	case cur.zero():
		p.First = true
		if further {
			p.Next = key.cursor(last, false)
		}
	case cur.before:
		p.Next = key.cursor(last, false)
		if further {
			p.Prev = key.cursor(first, true)
		} else {
			// Reading back reached the start: the previous page is the first one.
			p.First = true
		}
	default:
		p.Prev = key.cursor(first, true)
		if further {
			p.Next = key.cursor(last, false)
		}
	}
	return p, nil
}

// EachForStaff calls fn with every appeal the filter selects (at most MaxExportRows), in the filter's
// order, reading them in batches by the same keyset as the journal, so an export never holds the whole
// registry in memory and its last batch costs what its first does. An export of personal data is logged,
// with the filter and the number of appeals it held.
func (s *Service) EachForStaff(ctx context.Context, f Filter, fn func(*Appeal) error) error {
	const batch = 500
	key := sortOf(f.Sort)
	n := 0
	for cur := (cursor{}); n < MaxExportRows; {
		list, err := s.staffPage(ctx, f, cur, min(batch, MaxExportRows-n))
		if err != nil {
			return err
		}
		for i := range list {
			if err := fn(&list[i]); err != nil {
				return err
			}
		}
		n += len(list)
		if len(list) < batch {
			break
		}
		cur = key.at(&list[len(list)-1], false)
	}
	return audit.Record(ctx, s.db, "appeal.export", "appeal", 0, fmt.Sprintf("rows=%d %s", n, f))
}

// eachInBatches calls fn with every row page returns, at most MaxExportRows, reading 500 at a time, and
// says how many there were: exports stream the registry instead of holding it in memory.
func eachInBatches[T any](page func(offset, limit int) ([]T, error), fn func(*T) error) (int, error) {
	const batch = 500
	n := 0
	for offset := 0; offset < MaxExportRows; offset += batch {
		list, err := page(offset, min(batch, MaxExportRows-offset))
		if err != nil {
			return n, err
		}
		for i := range list {
			if err := fn(&list[i]); err != nil {
				return n, err
			}
		}
		n += len(list)
		if len(list) < batch {
			break
		}
	}
	return n, nil
}

// staffPage reads up to limit appeals after (or, reading back, before) the cursor in the filter's order,
// nearest to the cursor first, with their questions.
func (s *Service) staffPage(ctx context.Context, f Filter, cur cursor, limit int) ([]Appeal, error) {
	key := sortOf(f.Sort)
	q := s.staffQuery(ctx, f).
		Preload("Questions", func(db *gorm.DB) *gorm.DB { return db.Order("position") })
	// Reading back walks the order reversed from the cursor.
	desc := key.desc != cur.before
	if !cur.zero() {
		op := ">"
		if desc {
			op = "<"
		}
		cols := strings.Join(key.cols, ", ")
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(key.cols)), ", ")
		q = q.Where("("+cols+") "+op+" ("+marks+")", cur.values(key)...)
	}
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	q = q.Order(strings.Join(key.cols, dir+", ") + dir)
	var list []Appeal
	if err := q.Limit(limit).Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list appeals: %w", err)
	}
	return list, nil
}

// staffQuery applies the filter's conditions.
func (s *Service) staffQuery(ctx context.Context, f Filter) *gorm.DB {
	q := s.db.WithContext(ctx).Where("1 = 1")
	if !f.From.IsZero() {
		q = q.Where("received_at >= ?", s.clock.DayStart(f.From, 0))
	}
	if !f.To.IsZero() {
		q = q.Where("received_at < ?", s.clock.DayStart(f.To, 1))
	}
	for _, c := range [][2]string{{"channel", f.Channel}, {"status", f.Status}, {"type", f.Type}} {
		if c[1] != "" {
			q = q.Where(c[0]+" = ?", c[1])
		}
	}
	if f.Subject != "" {
		q = q.Where("EXISTS (SELECT 1 FROM appeal_questions WHERE appeal_questions.appeal_id = appeals.id AND appeal_questions.subject_code = ?)", f.Subject)
	}
	if f.DepartmentID > 0 {
		q = q.Where("department_id = ?", f.DepartmentID)
	}
	if f.ExecutorID > 0 {
		q = q.Where("executor_id = ?", f.ExecutorID)
	}
	if f.Scoped {
		q = q.Where(inDepartment, f.ScopeDepartment, f.ScopeDepartment)
	}
	today := s.clock.Today()
	// An appeal out of deadline control (anonymous, Art. 8) is never overdue nor due.
	if f.Overdue {
		q = q.Where("due_date < ? AND status NOT IN ? AND uncontrolled = ?", today, Closed, false)
	}
	if f.DueWithinDays > 0 {
		q = q.Where("due_date >= ? AND due_date <= ? AND status NOT IN ? AND uncontrolled = ?", today,
			today.AddDate(0, 0, f.DueWithinDays), Closed, false)
	}
	if f.Breach {
		q = q.Where("term_breach = ?", true)
	}
	if f.Priority {
		q = q.Where("priority = ?", true)
	}
	switch {
	case f.SettlementID > 0:
		q = q.Where("settlement_id = ?", f.SettlementID)
	case f.NoSettlement:
		q = q.Where("settlement_id IS NULL")
	}
	if words := strings.Fields(strings.ToLower(f.Query)); len(words) > 0 {
		// Every word must appear somewhere, so "коваленко к-12" finds the card.
		for _, w := range words {
			q = q.Where(`search_text LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(w)+"%")
		}
	}
	return q
}

// inDepartment selects the appeals a department leads or helps with.
const inDepartment = "(department_id = ? OR EXISTS (SELECT 1 FROM appeal_co_executors c WHERE c.appeal_id = appeals.id AND c.department_id = ?))"

// InScope tells whether the department leads or helps with the appeal: an executor opens only those.
func (s *Service) InScope(ctx context.Context, appealID, departmentID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Appeal{}).Where("id = ?", appealID).
		Where(inDepartment, departmentID, departmentID).Count(&n).Error
	return n > 0, err
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// How an appeal stands against its term, as the journal shows it.
const (
	DeadlineOverdue      = "overdue"      // the due date has passed without an answer
	DeadlineToday        = "today"        // due today
	DeadlineSoon         = "soon"         // due within DashboardDueDays
	DeadlineLeft         = "left"         // due later
	DeadlineClosed       = "closed"       // removed from control (answered, forwarded, returned, left without consideration)
	DeadlineUncontrolled = "uncontrolled" // out of deadline control (an anonymous appeal, Art. 8)
)

// Deadline is an appeal's standing against its term today, in the council's zone.
type Deadline struct {
	Kind   string     // one of the Deadline… kinds
	Days   int        // days left (soon, left) or past the due date (overdue)
	Closed *time.Time // when a closed appeal was removed from control, when known
}

// DeadlineOf says how the appeal stands against its term today: the journal shows it in words, the
// dashboards and the filters (Overdue, DueWithinDays) select by the same rule.
func (s *Service) DeadlineOf(a *Appeal) Deadline {
	switch {
	case slices.Contains(Closed, a.Status):
		return Deadline{Kind: DeadlineClosed, Closed: a.AnsweredAt}
	case a.Uncontrolled:
		return Deadline{Kind: DeadlineUncontrolled}
	}
	days := int(a.DueDate.UTC().Sub(s.clock.Today()).Hours() / 24)
	switch {
	case days < 0:
		return Deadline{Kind: DeadlineOverdue, Days: -days}
	case days == 0:
		return Deadline{Kind: DeadlineToday}
	case days <= DashboardDueDays:
		return Deadline{Kind: DeadlineSoon, Days: days}
	}
	return Deadline{Kind: DeadlineLeft, Days: days}
}
