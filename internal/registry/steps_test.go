package registry_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/registry"
)

// Which steps a viewer may take follows from the appeal's status, the viewer's roles and, for the reply,
// the lead department.
func TestStepsByStatusRoleAndDepartment(t *testing.T) {
	lead, other := int64(7), int64(8)
	head := registry.Viewer{Roles: []string{identity.RoleHead}}
	executor := registry.Viewer{Roles: []string{identity.RoleExecutor}, Department: lead}
	stranger := registry.Viewer{Roles: []string{identity.RoleExecutor}, Department: other}
	registrar := registry.Viewer{Roles: []string{identity.RoleRegistrar, identity.RoleAdmin}}
	routing := []registry.Step{registry.StepAssign, registry.StepForward, registry.StepReturn, registry.StepExtend,
		registry.StepLeave, registry.StepAcknowledge}
	// The registrars and the heads keep the card's sign of receipt right whatever the status: it comes last.
	signed := func(st ...registry.Step) []registry.Step { return append(st, registry.StepSign) }
	// The registrars (and admins) also keep the author's settlement right, after the sign.
	settled := func(st ...registry.Step) []registry.Step { return append(signed(st...), registry.StepSettlement) }
	cases := []struct {
		name   string
		status string
		viewer registry.Viewer
		want   []registry.Step
	}{
		{"head, new appeal", registry.StatusRegistered, head, signed(routing...)},
		{"head, routed", registry.StatusInProgress, head, signed(routing...)},
		{"head, reply waiting", registry.StatusAwaitingApproval, head,
			signed(registry.StepApprove, registry.StepSendBack, registry.StepExtend, registry.StepLeave, registry.StepAcknowledge)},
		{"head, answered", registry.StatusAnswered, head, signed(registry.StepPrint)},
		{"head, forwarded", registry.StatusForwarded, head, signed()},
		{"lead executor, routed", registry.StatusInProgress, executor, []registry.Step{registry.StepReply}},
		{"lead executor, reply waiting", registry.StatusAwaitingApproval, executor, nil},
		{"co-executor, routed", registry.StatusInProgress, stranger, nil},
		{"registrar and admin, new appeal", registry.StatusRegistered, registrar, settled(registry.StepAcknowledge)},
		{"registrar, answered", registry.StatusAnswered, registrar, settled(registry.StepPrint)},
		{"registrar, forwarded", registry.StatusForwarded, registrar, settled()},
		{"a head in the lead department, routed", registry.StatusInProgress,
			registry.Viewer{Roles: []string{identity.RoleHead, identity.RoleExecutor}, Department: lead},
			signed(registry.StepReply, registry.StepAssign, registry.StepForward, registry.StepReturn,
				registry.StepExtend, registry.StepLeave, registry.StepAcknowledge)},
	}
	for _, c := range cases {
		a := &registry.Appeal{Status: c.status, DepartmentID: &lead}
		if got := registry.Steps(a, c.viewer); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// An anonymous appeal out of deadline control: the registrar may leave it without consideration at
	// once, the head too or take it under control; neither once it is closed.
	anonymous := &registry.Appeal{Status: registry.StatusRegistered, Nature: registry.NatureAnonymous, Uncontrolled: true}
	for _, c := range []struct {
		name   string
		a      *registry.Appeal
		viewer registry.Viewer
		want   []registry.Step
	}{
		{"registrar, anonymous", anonymous, registrar, settled(registry.StepAnonymous)},
		{"head, anonymous", anonymous, head, signed(append(slices.DeleteFunc(slices.Clone(routing), func(s registry.Step) bool {
			return s == registry.StepAcknowledge // nobody to acknowledge it to
		}), registry.StepAnonymous, registry.StepControl)...)},
		{"executor, anonymous", anonymous, executor, nil},
		{"head, anonymous left", &registry.Appeal{Status: registry.StatusNotConsidered, Nature: registry.NatureAnonymous,
			Uncontrolled: true}, head, signed()},
	} {
		if got := registry.Steps(c.a, c.viewer); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	if got := registry.Steps(&registry.Appeal{Status: registry.StatusInProgress}, executor); got != nil {
		t.Errorf("an executor on an appeal without a lead department: %v", got)
	}
}

// The workflow takes a step only when the card would offer it to the person taking it: staff without
// the step's role are refused, whoever sends the request.
func TestWorkflowTakesOnlyTheStepsOffered(t *testing.T) {
	c := setupCouncil(t)
	a := c.phoneAppeal(t, time.Now())
	refused := func(what string, err error) {
		t.Helper()
		if codeOf(err) != errs.Forbidden {
			t.Errorf("%s: %v, want forbidden", what, err)
		}
	}
	// A request without a signed-in person is not the program itself: it holds no role.
	anonymous := audit.WithActor(context.Background(), audit.Actor{IP: "203.0.113.7"})
	refused("a visitor's resolution", c.reg.Assign(anonymous, a.ID,
		registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}))
	refused("a visitor's forwarding", c.reg.Forward(anonymous, a.ID, registry.ForwardInput{Body: "Держгеокадастр", BodyAddress: "вул. Земельна, 2", Letter: "Пересилаємо за належністю"}))
	refused("a registrar's resolution", c.reg.Assign(as(c.registrar), a.ID,
		registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}))
	refused("an executor's forwarding", c.reg.Forward(as(c.executor), a.ID, registry.ForwardInput{Body: "Держгеокадастр", BodyAddress: "вул. Земельна, 2", Letter: "Пересилаємо за належністю"}))
	refused("an executor's extension", c.reg.Extend(as(c.executor), a.ID, time.Now().AddDate(0, 0, 40), "Потрібен час"))
	if err := c.reg.Assign(as(c.head), a.ID, registry.AssignInput{Resolution: "Розглянути", DepartmentID: c.housing}); err != nil {
		t.Fatal(err)
	}
	results := map[int64]string{}
	for _, q := range c.card(t, a.ID).Questions {
		results[q.ID] = registry.ResultExplained
	}
	refused("a head's reply", c.reg.SubmitReply(as(c.head), a.ID,
		registry.ReplyInput{DepartmentID: c.housing, Text: "Відповідь", Results: results}))
	if err := c.reg.SubmitReply(as(c.executor), a.ID, registry.ReplyInput{DepartmentID: c.housing, Text: "Відповідь",
		Results: results}); err != nil {
		t.Fatal(err)
	}
	refused("an executor approving their own reply", c.reg.ApproveReply(as(c.executor), a.ID))
	if got := c.card(t, a.ID).Status; got != registry.StatusAwaitingApproval {
		t.Fatalf("a refused step changed the appeal: %s", got)
	}
}
