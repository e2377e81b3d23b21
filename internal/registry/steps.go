package registry

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
)

// Step is one thing staff may do with an appeal.
type Step string

// The steps, in the order the card offers them.
const (
	StepApprove  Step = "approve"   // the head approves the submitted reply
	StepSendBack Step = "send_back" // the head returns it to the executor with remarks
	StepReply    Step = "reply"     // the lead department's executor submits a reply
	StepAssign   Step = "assign"    // the head's resolution: a lead department and co-executors
	StepForward  Step = "forward"   // to the competent body (Art. 7)
	StepReturn   Step = "return"    // to the author for missing content (Art. 5)
	StepExtend   Step = "extend"    // a later due date, at most 45 days from receipt
	StepLeave    Step = "leave"     // without consideration (Art. 8)
	StepPrint    Step = "print"     // the approved reply as a letter
	// StepAcknowledge makes the acknowledgement of registration the author asked for.
	StepAcknowledge Step = "acknowledge"
	// StepAnonymous leaves an anonymous appeal without consideration at once (Art. 8), on that ground: the
	// registrar who registers it may, as well as the head.
	StepAnonymous Step = "anonymous"
	StepControl   Step = "control" // the head takes an anonymous appeal under deadline control after all
	StepSign      Step = "sign"    // the sign of receipt and the earlier appeal it points at, corrected
	// The registrar corrects the author's settlement, whatever the appeal's state: the report counts
	// closed appeals too.
	StepSettlement Step = "settlement"
)

// steps lists the steps in the card's order.
var steps = []Step{StepApprove, StepSendBack, StepReply, StepAssign, StepForward, StepReturn, StepExtend, StepLeave,
	StepAcknowledge, StepAnonymous, StepControl, StepPrint, StepSign, StepSettlement}

// Statuses a step may start from.
var (
	// routable: the head may still route an appeal nobody has answered yet.
	routable = []string{StatusRegistered, StatusInProgress}
	// underControl: an appeal not yet removed from control.
	underControl = []string{StatusRegistered, StatusInProgress, StatusAwaitingApproval}
)

// stepRule says when a step may be taken and by whom.
type stepRule struct {
	from   []string           // the statuses it starts from
	roles  []string           // any of these roles takes it; none: anyone who may open the card
	lead   bool               // only the staff of the appeal's lead department
	when   func(*Appeal) bool // what else the appeal must be; nil: nothing
	action string             // the audit log's action
}

// stepRules are the steps' rules. The audit actions are raw strings, like auditRegister: codes kept in the
// log, not message ids.
var stepRules = map[Step]stepRule{
	StepAssign:   {from: routable, roles: heads, action: `appeal.assign`},
	StepForward:  {from: routable, roles: heads, action: `appeal.forward`},
	StepReturn:   {from: routable, roles: heads, action: `appeal.return`},
	StepLeave:    {from: underControl, roles: heads, action: `appeal.not_considered`},
	StepExtend:   {from: underControl, roles: heads, action: `appeal.extend`},
	StepApprove:  {from: []string{StatusAwaitingApproval}, roles: heads, action: `appeal.reply_approve`},
	StepSendBack: {from: []string{StatusAwaitingApproval}, roles: heads, action: `appeal.reply_send_back`},
	StepReply:    {from: []string{StatusInProgress}, roles: []string{identity.RoleExecutor}, lead: true, action: `appeal.reply_submit`},
	StepPrint:    {from: []string{StatusAnswered}},
	// An anonymous appeal has nobody to acknowledge it to.
	StepAcknowledge: {from: underControl, roles: desk, action: `appeal.acknowledge`,
		when: func(a *Appeal) bool { return a.Nature != NatureAnonymous }},
	StepAnonymous: {from: underControl, roles: desk, action: `appeal.not_considered`,
		when: func(a *Appeal) bool { return a.Nature == NatureAnonymous }},
	StepControl: {from: underControl, roles: heads, action: `appeal.control`,
		when: func(a *Appeal) bool { return a.Uncontrolled }},
	// A sign is a fact of registration that the statistics count: it may be put right at any time.
	StepSign: {from: Statuses, roles: desk, action: `appeal.sign`},
	StepSettlement: {from: Statuses, roles: []string{identity.RoleRegistrar, identity.RoleAdmin},
		action: `appeal.settlement`},
}

var heads = []string{identity.RoleHead}

// desk is who keeps the registration card right: the registrars and the heads.
var desk = []string{identity.RoleRegistrar, identity.RoleHead}

// Viewer is who looks at an appeal or acts on it: their staff roles and the department they work in.
type Viewer struct {
	Roles      []string
	Department int64
	// system marks a step the program takes itself (a command, a test's setup): no person, so no roles
	// to check. Only the workflow sets it, for a context without an actor.
	system bool
}

// Steps lists the steps the viewer may take on the appeal now, in the card's order. It is the one answer
// to "who may do what, when": the card offers these steps and the workflow takes a step only by the
// same rules (stepAllowed).
func Steps(a *Appeal, v Viewer) []Step {
	var out []Step
	for _, st := range steps {
		if stepAllowed(st, a, v) == nil {
			out = append(out, st)
		}
	}
	return out
}

// stepAllowed tells why the viewer may not take the step on the appeal: Conflict when the appeal is not
// where the step starts, Forbidden when the step is not theirs to take; nil when they may.
func stepAllowed(st Step, a *Appeal, v Viewer) error {
	rule, ok := stepRules[st]
	switch {
	case !ok:
		return errs.New(errs.NotFound, "error.not_found")
	case !slices.Contains(rule.from, a.Status):
		return errs.New(errs.Conflict, "routing.error.state")
	case rule.roles != nil && !v.system && !slices.ContainsFunc(rule.roles, func(r string) bool { return slices.Contains(v.Roles, r) }):
		return errs.New(errs.Forbidden, "error.forbidden")
	case rule.lead && (a.DepartmentID == nil || *a.DepartmentID != v.Department):
		return errs.New(errs.Forbidden, "routing.error.not_lead")
	case rule.when != nil && !rule.when(a):
		return errs.New(errs.Conflict, "routing.error.state")
	}
	return nil
}

// viewerOf is the viewer taking a step in the workflow: the request's person with their roles, working for
// department (the lead department's steps name it). A context without an actor is the program's own
// (commands, upkeep); a request without a signed-in person holds no role.
func viewerOf(ctx context.Context, tx *gorm.DB, department int64) (Viewer, error) {
	actor, fromRequest := audit.ActorIn(ctx)
	switch {
	case !fromRequest:
		return Viewer{Department: department, system: true}, nil
	case actor.PersonID == 0:
		return Viewer{Department: department}, nil
	}
	roles, err := identity.RolesOf(ctx, tx, actor.PersonID)
	return Viewer{Roles: roles, Department: department}, err
}
