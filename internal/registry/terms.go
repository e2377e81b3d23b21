package registry

import (
	"time"

	"github.com/hromada/hromada/internal/errs"
)

// What a term that ends on a day off does (HROMADA_DUE_ON_DAY_OFF). The law counts calendar days
// (Art. 20) and says nothing of days off; a council either keeps the date (and the card and dashboards
// warn that it is a day off) or ends the term on the working day before it. Never on a later day.
const (
	DueKeep    = "keep"
	DueEarlier = "earlier"
)

// termedSteps are the office's own steps with a term of their own, in calendar days from receipt, and
// the status each leaves the appeal in: forwarding to the competent body (Art. 7) and returning to the
// author for missing content (Art. 5). Taken later, the step needs a recorded reason and counts as a
// breach (on the card, the dashboards and in the report).
var termedSteps = map[Step]struct {
	status string
	days   int
}{
	StepForward: {StatusForwarded, ForwardDays},
	StepReturn:  {StatusReturned, ReturnDays},
}

// onWorkingDay is the last day of a term that ends on d: d itself, or, when the council ends terms on
// working days (DueEarlier), the nearest working day before it.
func (s *Service) onWorkingDay(d time.Time) time.Time {
	if s.cal == nil || s.dayOff != DueEarlier {
		return d
	}
	for !s.cal.IsWorkingDay(d) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// DueOnDayOff tells whether the appeal is due on a day off (a weekend, or a public holiday when there is
// no martial law) while it is under deadline control: the card and the dashboards flag it, so the work
// is done on the working day before.
func (s *Service) DueOnDayOff(a *Appeal) bool {
	return s.cal != nil && a.UnderDeadlineControl() && !s.cal.IsWorkingDay(a.DueDate)
}

// lateOn tells whether taking the step on the council's date day breaks the step's term.
func (s *Service) lateOn(a *Appeal, st Step, day time.Time) bool {
	t, ok := termedSteps[st]
	return ok && day.After(s.dueAfter(a, t.days))
}

// Late tells whether taking the step today would break its term: the step's form then asks for the reason.
func (s *Service) Late(a *Appeal, st Step) bool { return s.lateOn(a, st, s.clock.Today()) }

// breached tells whether the appeal was closed by a step with a term (forwarded, returned) after that
// term: the one rule behind the term_breach column, which derive keeps.
func (s *Service) breached(a *Appeal) bool {
	if a.AnsweredAt == nil {
		return false
	}
	for st, t := range termedSteps {
		if t.status == a.Status {
			return s.lateOn(a, st, s.clock.Date(*a.AnsweredAt))
		}
	}
	return false
}

// checkLate refuses a late step without its reason and records the reason of a late one; a step in time
// records none.
func (s *Service) checkLate(a *Appeal, st Step, reason string, now time.Time) error {
	if !s.lateOn(a, st, s.clock.Date(now)) {
		a.LateReason = ""
		return nil
	}
	if reason == "" {
		return errs.Validation{"late_reason": "terms.error.late_reason"}.Err()
	}
	a.LateReason = reason
	return nil
}
