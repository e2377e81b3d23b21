package admin

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/i18n"
	"github.com/hromada/hromada/internal/registry"
)

// FuzzStaffFilter: whatever query string comes in, the registry's filter holds only codes of the
// classifier (or none), clean search text and a page from 1, and every problem names a field of the form.
func FuzzStaffFilter(f *testing.F) {
	clf, err := classifier.Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, q := range []string{
		"q=%00&channel=phone", "channel=%FF%FE&status=answered", "subject=99.99&type=complaint",
		"q=" + strings.Repeat("%D1%97", 40), "from=2024-02-30&to=2024-13-01&due_within=999999",
		"department=-1&executor=99999999999999999999&cursor=%00&sort=x", "cursor=cmVjZWl2ZWRfZGVzY3xhfDB8MHwx&sort=due_desc", "status=%00&overdue=1&priority=on",
	} {
		f.Add(q)
	}
	places := classifier.List{{Code: "3", Text: i18n.Text{UK: "Зелене"}}, {Code: noSettlement, Text: i18n.Text{UK: "не визначено"}}}
	f.Add("settlement=3&settlement=none")
	f.Add("settlement=%00&settlement=-1")
	fields := []string{"from", "to", "channel", "status", "type", "subject", "department", "executor", "due_within", "q", "settlement"}
	f.Fuzz(func(t *testing.T, query string) {
		values, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		flt, view, problems := readStaffFilter(values, clf, places)
		if flt.Channel != "" && !clf.Channels.Has(flt.Channel) || flt.Type != "" && !clf.Types.Has(flt.Type) ||
			flt.Subject != "" && !clf.Subjects.Has(flt.Subject) || flt.Status != "" && !slices.Contains(registry.Statuses, flt.Status) {
			t.Fatalf("a code outside the classifier reached the filter: %+v", flt)
		}
		if !utf8.ValidString(flt.Query) || strings.ContainsRune(flt.Query, 0) || utf8.RuneCountInString(flt.Query) > 200 && problems["q"] == "" {
			t.Fatalf("unclean search %q", flt.Query)
		}
		if flt.SettlementID != 0 && flt.SettlementID != 3 || flt.NoSettlement && flt.SettlementID != 0 {
			t.Fatalf("a settlement outside the list reached the filter: %+v", flt)
		}
		if len(flt.Cursor) > 200 || !slices.Contains(registry.Sorts, flt.Sort) || flt.DepartmentID < 0 || flt.ExecutorID < 0 {
			t.Fatalf("filter %+v", flt)
		}
		for _, v := range []string{view.From, view.To, view.Department, view.Executor, view.DueWithin, view.Q} {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				t.Fatalf("the form would show %q", v)
			}
		}
		for field := range problems {
			if !slices.Contains(fields, field) {
				t.Fatalf("a problem of an unknown field %q", field)
			}
		}
	})
}
