package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/registry"
)

// A routed appeal's card shows its lead department chosen in the resolution's form, so re-routing starts
// from the appeal's routing (a pointer printed with %d gave its address instead, and nothing was chosen).
func TestCardPreselectsTheLeadDepartment(t *testing.T) {
	s, _, _, _ := staffServer(t)
	head := headOf(t, s)
	ctx := t.Context()
	dept, err := s.App.Departments.Create(ctx, "Управління житлово-комунального господарства", "")
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := s.App.Registry.ListForStaff(ctx, registry.Filter{})
	if err != nil || len(list) == 0 {
		t.Fatalf("an appeal to route: %v", err)
	}
	a := list[0]
	if err := s.App.Registry.Assign(ctx, a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: dept.ID}); err != nil {
		t.Fatal(err)
	}
	card := apptest.Get(t, head, s.Path(fmt.Sprintf("/admin/appeals/%d", a.ID)))
	if want := fmt.Sprintf(`<option value="%d" selected>`, dept.ID); !strings.Contains(card.Body, want) {
		t.Errorf("the resolution's form does not choose the lead department (%s)", want)
	}
}
