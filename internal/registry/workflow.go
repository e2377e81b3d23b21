package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/paper"
)

// Terms of the law (393/96-ВР): calendar days from receipt.
const (
	SimpleTermDays  = 15 // Art. 20: no extra study needed
	MaxTermDays     = 45 // Art. 20: never longer in total, extensions included
	ForwardDays     = 5  // Art. 7: forward to the competent body within 5 days
	ReturnDays      = 10 // Art. 5: return for missing required content within 10 days
	maxWorkflowText = 20000
)

// More event kinds of the timeline.
const (
	EventAssigned       = "assigned"
	EventForwarded      = "forwarded"
	EventReturned       = "returned"
	EventNotConsidered  = "not_considered"
	EventExtended       = "extended"
	EventReplySubmitted = "reply_submitted"
	EventReplySentBack  = "reply_sent_back"
	EventControlled     = "controlled"     // an anonymous appeal taken under deadline control
	EventSignCorrected  = "sign_corrected" // the sign of receipt set by a registrar or a head
	EventSignConfirmed  = "sign_confirmed" // the sign the registry proposed, confirmed as it was
)

// Results a reply gives a question; the routing results (returned, forwarded, not_considered) are set
// by routing itself.
var ReplyResults = []string{ResultResolved, ResultRefused, ResultExplained}

// AssignInput is the head's resolution.
type AssignInput struct {
	Resolution   string
	DepartmentID int64   // the lead executor
	CoExecutors  []int64 // departments that help
	ExecutorID   int64   // optional: the executor within the lead department
	Simple       bool    // needs no extra study: due in 15 days
}

// open loads the appeal for a change inside tx, locking its row on PostgreSQL (SQLite's immediate
// transactions already serialise writers).
func (s *Service) open(tx *gorm.DB, appealID int64) (*Appeal, error) {
	var a Appeal
	q := tx
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("id = ?", appealID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// change takes the step on the appeal inside one transaction with its timeline event and its audit
// line, so a change, its history and its notices commit or roll back together. The step is taken only
// when its rule allows it for the request's person (stepAllowed, the rule the card shows); department is
// the one the person acts for, where the step is the lead department's.
func (s *Service) change(ctx context.Context, appealID int64, step Step, department int64,
	fn func(tx *gorm.DB, a *Appeal, now time.Time) (event Event, err error)) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		a, err := s.open(tx, appealID)
		if err != nil {
			return err
		}
		who, err := viewerOf(ctx, tx, department)
		if err != nil {
			return err
		}
		if err := stepAllowed(step, a, who); err != nil {
			return err
		}
		now := s.clock.Now()
		ev, err := fn(tx, a, now)
		if err != nil {
			return err
		}
		actor := audit.ActorOf(ctx).PersonID
		ev.AppealID, ev.OccurredAt = a.ID, now
		if actor != 0 {
			ev.ActorPersonID = &actor
		}
		a.UpdatedAt = now
		s.derive(a)
		if err := tx.Omit(clause.Associations).Save(a).Error; err != nil {
			return fmt.Errorf("save appeal: %w", err)
		}
		if err := tx.Create(&ev).Error; err != nil {
			return fmt.Errorf("timeline: %w", err)
		}
		// The step's letters: how each addressee was told, after the step itself.
		for _, le := range a.letterEvents {
			le.AppealID, le.OccurredAt, le.ActorPersonID = a.ID, now, ev.ActorPersonID
			if err := tx.Create(&le).Error; err != nil {
				return fmt.Errorf("timeline: %w", err)
			}
		}
		detail := strings.TrimSpace(a.RegIndex + " " + ev.Kind + " " + ev.audit)
		for _, n := range a.outNumbers {
			detail += " out=" + n
		}
		return audit.Record(ctx, tx, stepRules[step].action, "appeal", a.ID, detail)
	})
}

// Assign records the head's resolution and sends the appeal to a lead department with co-executors.
// It may be repeated while nobody has submitted a reply, to re-route.
func (s *Service) Assign(ctx context.Context, appealID int64, in AssignInput) error {
	in.Resolution = strings.TrimSpace(in.Resolution)
	v := errs.Validation{}
	if in.Resolution == "" {
		v.Add("resolution", "routing.error.resolution")
	} else if utf8.RuneCountInString(in.Resolution) > maxWorkflowText {
		v.Add("resolution", "appeal.error.too_long")
	}
	if in.DepartmentID <= 0 {
		v.Add("department", "routing.error.department")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.change(ctx, appealID, StepAssign, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			depts := append([]int64{in.DepartmentID}, in.CoExecutors...)
			names, err := activeDepartments(tx, depts)
			if err != nil {
				return Event{}, err
			}
			if _, ok := names[in.DepartmentID]; !ok {
				return Event{}, errs.Validation{"department": "routing.error.department"}.Err()
			}
			var co []CoExecutor
			for _, d := range in.CoExecutors {
				if _, ok := names[d]; !ok || d == in.DepartmentID {
					return Event{}, errs.Validation{"co_executors": "routing.error.co_executors"}.Err()
				}
				if !slices.ContainsFunc(co, func(c CoExecutor) bool { return c.DepartmentID == d }) {
					co = append(co, CoExecutor{AppealID: a.ID, DepartmentID: d})
				}
			}
			if in.ExecutorID != 0 {
				ok, err := identity.WorksIn(ctx, tx, in.ExecutorID, in.DepartmentID, identity.RoleExecutor)
				if err != nil {
					return Event{}, err
				}
				if !ok {
					return Event{}, errs.Validation{"executor": "routing.error.executor"}.Err()
				}
				a.ExecutorID = &in.ExecutorID
			} else {
				a.ExecutorID = nil
			}
			if a.DepartmentID != nil && *a.DepartmentID != in.DepartmentID {
				a.RemindedDays = nil // the new department gets its own reminders
			}
			a.Resolution, a.ResolutionBy, a.DepartmentID = in.Resolution, nullable(audit.ActorOf(ctx).PersonID), &in.DepartmentID
			if in.Simple && !a.Simple {
				// The mark only ever shortens the term (to 15 days, unless that is already past the
				// present due date); a longer term takes an extension, with its reason and the author told.
				if short := s.dueAfter(a, SimpleTermDays); short.Before(a.DueDate) {
					a.DueDate, a.RemindedDays = short, nil
				}
			}
			a.Simple = in.Simple
			a.Status = StatusInProgress
			if err := tx.Where("appeal_id = ?", a.ID).Delete(&CoExecutor{}).Error; err != nil {
				return Event{}, err
			}
			if len(co) > 0 {
				if err := tx.Create(&co).Error; err != nil {
					return Event{}, err
				}
			}
			note := names[in.DepartmentID]
			for _, c := range co {
				note += "; " + names[c.DepartmentID]
			}
			if err := s.tellDepartments(ctx, tx, a, depts); err != nil {
				return Event{}, err
			}
			return Event{Kind: EventAssigned, Note: note + "\n" + in.Resolution}, nil
		})
}

// activeDepartments returns the names of those of the departments that are active.
func activeDepartments(tx *gorm.DB, ids []int64) (map[int64]string, error) {
	var rows []struct {
		ID     int64
		NameUK string
	}
	if err := tx.Table("departments").Select("id", "name_uk").Where("id IN ? AND active = ?", ids, true).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, r := range rows {
		out[r.ID] = r.NameUK
	}
	return out, nil
}

// tellDepartments tells the executors of the departments (and the named executor) about a new assignment.
func (s *Service) tellDepartments(ctx context.Context, tx *gorm.DB, a *Appeal, depts []int64) error {
	if s.notify == nil {
		return nil
	}
	var to []identity.StaffContact
	if a.ExecutorID != nil {
		named, err := identity.Contacts(ctx, tx, *a.ExecutorID)
		if err != nil {
			return err
		}
		to = append(to, named...)
	}
	for _, d := range depts {
		staff, err := identity.StaffOfDepartment(ctx, tx, d, identity.RoleExecutor)
		if err != nil {
			return err
		}
		to = append(to, staff...)
	}
	return s.tellStaff(ctx, tx, a, notify.AppealAssigned, nil, to)
}

// tellStaff writes one staff notice about the appeal to each person among to (once, however often
// they are listed), linking to the card.
func (s *Service) tellStaff(ctx context.Context, tx *gorm.DB, a *Appeal, kind notify.Kind, extra map[string]any,
	to []identity.StaffContact) error {
	data := staffData(a)
	for k, v := range extra {
		data[k] = v
	}
	seen := map[int64]bool{}
	notices := make([]notify.Notice, 0, len(to))
	for _, c := range to {
		if seen[c.PersonID] {
			continue
		}
		seen[c.PersonID] = true
		id := c.PersonID
		notices = append(notices, notify.Notice{Kind: kind, PersonID: &id, To: c.Email,
			Path: fmt.Sprintf("/admin/appeals/%d", a.ID), Data: data})
	}
	return s.notify.NotifyMany(ctx, tx, notices)
}

// staffData is what staff notices about one appeal show: never more personal data than the index.
func staffData(a *Appeal) map[string]any {
	return map[string]any{"Index": a.RegIndex, "Due": a.DueDate.Format("02.01.2006"), "Priority": a.Priority}
}

// closeCard removes an appeal from control: the card's answer, result and who closed it.
func closeCard(ctx context.Context, a *Appeal, status, result, text string, now time.Time) {
	a.Status, a.Result, a.AnswerText, a.AnsweredAt = status, result, text, &now
	a.ClosedBy = nullable(audit.ActorOf(ctx).PersonID)
}

// closeByRouting closes an appeal that is not answered on the merits: every question gets the routing
// result, so an appeal never leaves control with a question lacking one.
func closeByRouting(ctx context.Context, tx *gorm.DB, a *Appeal, status, result, text string, now time.Time) error {
	closeCard(ctx, a, status, result, text, now)
	return tx.Model(&Question{}).Where("appeal_id = ?", a.ID).Update("result", result).Error
}

func checkText(field, text string, required bool) error {
	switch {
	case required && strings.TrimSpace(text) == "":
		return errs.Validation{field: "appeal.error.required"}.Err()
	case utf8.RuneCountInString(text) > maxWorkflowText:
		return errs.Validation{field: "appeal.error.too_long"}.Err()
	}
	return nil
}

// ForwardDue is the last day to forward the appeal to the competent body.
func (s *Service) ForwardDue(a *Appeal) time.Time { return s.dueAfter(a, ForwardDays) }

// ReturnDue is the last day to return the appeal to its author.
func (s *Service) ReturnDue(a *Appeal) time.Time { return s.dueAfter(a, ReturnDays) }

// MaxDue is the latest due date an extension may set: 45 days from receipt.
func (s *Service) MaxDue(a *Appeal) time.Time { return s.dueAfter(a, MaxTermDays) }

// ForwardInput is where an appeal goes (Art. 7): the competent body, its postal address for the covering
// letter, how that letter goes, and what the author is told.
type ForwardInput struct {
	Body          string
	BodyAddress   string
	CoverDelivery string // CoverDeliveries; "": post
	Letter        string // the office's words to the author
	LateReason    string // why it goes after its term (5 days from receipt); required then, kept on the card
}

// Forward sends the appeal to the competent body with a covering letter; the author is told where and why.
// Forwarding after its term needs in.LateReason.
func (s *Service) Forward(ctx context.Context, appealID int64, in ForwardInput) error {
	in.Body, in.Letter, in.BodyAddress = strings.TrimSpace(in.Body), strings.TrimSpace(in.Letter), strings.TrimSpace(in.BodyAddress)
	in.LateReason = strings.TrimSpace(in.LateReason)
	if in.CoverDelivery == "" {
		in.CoverDelivery = DeliveryPost
	}
	if err := checkText("body", in.Body, true); err != nil {
		return err
	}
	if !slices.Contains(CoverDeliveries, in.CoverDelivery) {
		return errs.Validation{"cover_delivery": "routing.error.cover_delivery"}.Err()
	}
	// A letter by post needs the body's postal address; through the body's own system it may go without.
	if err := checkText("body_address", in.BodyAddress, in.CoverDelivery == DeliveryPost); err != nil {
		return err
	}
	if err := checkText("letter", in.Letter, true); err != nil {
		return err
	}
	if err := checkText("late_reason", in.LateReason, false); err != nil {
		return err
	}
	return s.change(ctx, appealID, StepForward, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			if err := s.checkLate(a, StepForward, in.LateReason, now); err != nil {
				return Event{}, err
			}
			a.ForwardedTo = in.Body
			if err := closeByRouting(ctx, tx, a, StatusForwarded, ResultForwarded, in.Letter, now); err != nil {
				return Event{}, err
			}
			toAuthor := s.authorLetter(a, paper.KindForwarded, notify.AppealForwarded, map[string]any{"Body": in.Body, "Text": in.Letter})
			toAuthor.facts.Body, toAuthor.facts.Text = in.Body, in.Letter
			cover := letterSpec{kind: paper.KindForwardedCover, facts: s.facts(a), name: in.Body, address: in.BodyAddress,
				delivery: in.CoverDelivery}
			cover.facts.Author = strings.TrimSpace(a.AuthorName() + " (" + a.AuthorAddress + ")")
			if a.AuthorName() == "" {
				cover.facts.Author = "без зазначення автора"
			}
			if err := s.sendLetters(ctx, tx, a, now, toAuthor, cover); err != nil {
				return Event{}, err
			}
			return Event{Kind: EventForwarded, Note: in.Body}, nil
		})
}

// Return gives the appeal back to its author, explaining what required content is missing. Returning
// after its term (10 days from receipt) needs lateReason, which the card keeps.
func (s *Service) Return(ctx context.Context, appealID int64, explanation, lateReason string) error {
	explanation, lateReason = strings.TrimSpace(explanation), strings.TrimSpace(lateReason)
	if err := checkText("explanation", explanation, true); err != nil {
		return err
	}
	if err := checkText("late_reason", lateReason, false); err != nil {
		return err
	}
	return s.change(ctx, appealID, StepReturn, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			if err := s.checkLate(a, StepReturn, lateReason, now); err != nil {
				return Event{}, err
			}
			if err := closeByRouting(ctx, tx, a, StatusReturned, ResultReturned, explanation, now); err != nil {
				return Event{}, err
			}
			letter := s.authorLetter(a, paper.KindReturned, notify.AppealReturned, map[string]any{"Text": explanation})
			letter.facts.Text = explanation
			if err := s.sendLetters(ctx, tx, a, now, letter); err != nil {
				return Event{}, err
			}
			return Event{Kind: EventReturned, Note: explanation}, nil
		})
}

// Grounds of Art. 8 the registry offers by itself (the classifier's art8_reasons).
const (
	Art8Anonymous      = "anonymous"       // an anonymous appeal
	Art8RepeatResolved = "repeat_resolved" // a repeat appeal on a question already resolved on the merits
)

// LeaveWithoutConsideration closes the appeal on one of the grounds of Art. 8.
func (s *Service) LeaveWithoutConsideration(ctx context.Context, appealID int64, reason, note string) error {
	return s.leave(ctx, appealID, StepLeave, reason, note)
}

// LeaveAnonymous leaves an anonymous appeal without consideration on that ground (Art. 8): the step its
// registration offers at once, to the registrar as well as the head.
func (s *Service) LeaveAnonymous(ctx context.Context, appealID int64, note string) error {
	return s.leave(ctx, appealID, StepAnonymous, Art8Anonymous, note)
}

func (s *Service) leave(ctx context.Context, appealID int64, step Step, reason, note string) error {
	note = strings.TrimSpace(note)
	if !s.clf.Art8Reasons.Has(reason) {
		return errs.Validation{"reason": "routing.error.reason"}.Err()
	}
	if err := checkText("note", note, false); err != nil {
		return err
	}
	return s.change(ctx, appealID, step, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			text := s.clf.Art8Reasons.Name(reason, "uk") // the record and the letter are in the state language
			if note != "" {
				text += ". " + note
			}
			// A reply waiting for approval will never be approved now.
			if err := tx.Model(&Reply{}).Where("appeal_id = ? AND state = ?", a.ID, ReplySubmitted).
				Updates(map[string]any{"state": ReplySentBack, "review_note": text, "reviewed_at": now,
					"reviewer_person_id": nullable(audit.ActorOf(ctx).PersonID)}).Error; err != nil {
				return Event{}, err
			}
			if err := closeByRouting(ctx, tx, a, StatusNotConsidered, ResultNotConsidered, text, now); err != nil {
				return Event{}, err
			}
			letter := s.authorLetter(a, paper.KindNotConsidered, notify.AppealNotConsidered, map[string]any{"Text": text})
			letter.facts.Text = text
			if err := s.sendLetters(ctx, tx, a, now, letter); err != nil {
				return Event{}, err
			}
			return Event{Kind: EventNotConsidered, Note: text}, nil
		})
}

// Extend moves the due date later, with a reason; the total never exceeds 45 days from receipt, and the
// author is told.
func (s *Service) Extend(ctx context.Context, appealID int64, newDue time.Time, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := checkText("reason", reason, true); err != nil {
		return err
	}
	if newDue.IsZero() {
		return errs.Validation{"due": "routing.error.due"}.Err()
	}
	y, m, d := newDue.Date()
	newDue = s.onWorkingDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) // a day off is kept or brought earlier, as every term
	return s.change(ctx, appealID, StepExtend, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			if !newDue.After(a.DueDate) {
				return Event{}, errs.Validation{"due": "routing.error.due_later"}.Err()
			}
			if newDue.After(s.MaxDue(a)) {
				return Event{}, errs.Validation{"due": "routing.error.due_cap"}.Err()
			}
			old := a.DueDate
			a.DueDate, a.RemindedDays = newDue, nil
			letter := s.authorLetter(a, paper.KindExtended, notify.AppealExtended, map[string]any{"Reason": reason})
			letter.facts.Reason = reason
			if err := s.sendLetters(ctx, tx, a, now, letter); err != nil {
				return Event{}, err
			}
			return Event{Kind: EventExtended, Note: old.Format("02.01.2006") + " → " + newDue.Format("02.01.2006") + ": " + reason}, nil
		})
}

// TakeUnderControl puts an anonymous appeal under deadline control after all, with the head's note: from
// then on it has its due date (counted from receipt, as for every appeal), reminders and the overdue lists.
func (s *Service) TakeUnderControl(ctx context.Context, appealID int64, note string) error {
	note = strings.TrimSpace(note)
	if err := checkText("note", note, false); err != nil {
		return err
	}
	return s.change(ctx, appealID, StepControl, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			a.Uncontrolled, a.RemindedDays = false, nil
			return Event{Kind: EventControlled, Note: note}, nil
		})
}

// CorrectSign sets the sign of receipt and the earlier appeal it points at, as a registrar or a head finds
// them: a repeat or duplicate appeal points at an appeal received before it, a first one at none. It also
// confirms a sign the registry proposed (SignProposed is cleared either way).
func (s *Service) CorrectSign(ctx context.Context, appealID int64, sign string, related *int64) error {
	switch {
	case !s.clf.Signs.Has(sign):
		return errs.Validation{"sign": "appeal.error.choose"}.Err()
	case (sign == SignRepeat || sign == SignDuplicate) && related == nil:
		return errs.Validation{"sign": "admin.register.error.related_required"}.Err()
	case sign == SignPrimary && related != nil:
		return errs.Validation{"sign": "admin.register.error.related_primary"}.Err()
	}
	return s.change(ctx, appealID, StepSign, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			to := s.clf.Signs.Name(sign, "uk") // the record is in the state language
			if related != nil {
				var earlier []Appeal
				if err := tx.Select("id", "reg_index", "received_at").Where("id = ?", *related).Limit(1).
					Find(&earlier).Error; err != nil {
					return Event{}, err
				}
				switch {
				case len(earlier) == 0:
					return Event{}, errs.Validation{"sign": "admin.register.error.related_missing"}.Err()
				case earlier[0].ID == a.ID || earlier[0].ReceivedAt.After(a.ReceivedAt):
					return Event{}, errs.Validation{"sign": "terms.error.related_later"}.Err()
				}
				to += " (" + earlier[0].RegIndex + ")"
			}
			kind := EventSignCorrected
			if sign == a.Sign && sameID(related, a.RelatedAppealID) {
				kind = EventSignConfirmed
			}
			detail := "sign=" + a.Sign + "→" + sign
			if related != nil {
				detail += " related=" + strconv.FormatInt(*related, 10)
			}
			a.Sign, a.RelatedAppealID, a.SignProposed = sign, related, false
			return Event{Kind: kind, Note: to, audit: detail}, nil
		})
}

// sameID says whether two optional ids name the same row (or both none).
func sameID(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// ReplyInput is an executor's draft answer. Its outgoing number comes from the register when the head
// approves it.
type ReplyInput struct {
	DepartmentID int64 // the executor's department: only the lead department answers
	Text         string
	Results      map[int64]string // question id → result
	Attachments  []Upload
}

// SubmitReply stores the executor's draft and sends it to the head for approval.
func (s *Service) SubmitReply(ctx context.Context, appealID int64, in ReplyInput) error {
	in.Text = strings.TrimSpace(in.Text)
	v := errs.Validation{}
	if in.Text == "" {
		v.Add("text", "appeal.error.required")
	} else if utf8.RuneCountInString(in.Text) > maxWorkflowText {
		v.Add("text", "appeal.error.too_long")
	}
	if len(in.Attachments) > s.maxFiles {
		v.Add("attachments", "appeal.error.too_many_files")
	}
	if err := v.Err(); err != nil {
		return err
	}
	atts, err := s.saveFiles(in.Attachments)
	if err != nil {
		return err
	}
	return s.change(ctx, appealID, StepReply, in.DepartmentID,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			var questions []Question
			if err := tx.Where("appeal_id = ?", a.ID).Order("position").Find(&questions).Error; err != nil {
				return Event{}, err
			}
			r := Reply{AppealID: a.ID, AuthorPersonID: audit.ActorOf(ctx).PersonID, Text: in.Text,
				State: ReplySubmitted, CreatedAt: now}
			for _, q := range questions {
				res := in.Results[q.ID]
				if !slices.Contains(ReplyResults, res) {
					return Event{}, errs.Validation{fmt.Sprintf("result_%d", q.ID): "routing.error.result"}.Err()
				}
				r.Results = append(r.Results, ReplyResult{QuestionID: q.ID, Result: res})
			}
			if err := tx.Create(&r).Error; err != nil {
				return Event{}, fmt.Errorf("save reply: %w", err)
			}
			for i := range atts {
				atts[i].AppealID, atts[i].ReplyID, atts[i].CreatedAt = a.ID, &r.ID, now
			}
			if len(atts) > 0 {
				if err := tx.Create(&atts).Error; err != nil {
					return Event{}, err
				}
			}
			a.Status = StatusAwaitingApproval
			return Event{Kind: EventReplySubmitted}, nil
		})
}

// ApproveReply approves the submitted reply: every question gets its result, the appeal is answered
// and leaves control, and the author gets the answer.
func (s *Service) ApproveReply(ctx context.Context, appealID int64) error {
	return s.change(ctx, appealID, StepApprove, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			r, err := submittedReply(tx, a.ID)
			if err != nil {
				return Event{}, err
			}
			var questions []Question
			if err := tx.Where("appeal_id = ?", a.ID).Order("position").Find(&questions).Error; err != nil {
				return Event{}, err
			}
			results := map[int64]string{}
			for _, res := range r.Results {
				results[res.QuestionID] = res.Result
			}
			var ordered, lines []string
			for _, q := range questions {
				res, ok := results[q.ID]
				if !ok {
					// A question added after the draft has no result: the appeal stays under control.
					return Event{}, errs.New(errs.Conflict, "routing.error.unanswered_question")
				}
				if err := tx.Model(&Question{}).Where("id = ?", q.ID).Update("result", res).Error; err != nil {
					return Event{}, err
				}
				ordered = append(ordered, res)
				lines = append(lines, fmt.Sprintf("%d. %s — %s", q.Position, s.clf.Subjects.Name(q.SubjectCode, "uk"),
					strings.ToLower(s.clf.Results.Name(res, "uk"))))
			}
			closeCard(ctx, a, StatusAnswered, AppealResult(ordered), r.Text, now)
			// The answer's outgoing number comes from the register, with its letter.
			letter := s.authorLetter(a, paper.KindAnswer, notify.AppealAnswered, map[string]any{"Text": r.Text})
			letter.facts.Text, letter.facts.Results, letter.executor = r.Text, lines, r.AuthorPersonID
			var files []string
			if err := tx.Model(&Attachment{}).Where("reply_id = ?", r.ID).Order("id").Pluck("file_name", &files).Error; err != nil {
				return Event{}, err
			}
			if len(files) > 0 {
				letter.enclosure = "Додаток: " + strings.Join(files, "; ") + "."
			}
			if err := s.sendLetters(ctx, tx, a, now, letter); err != nil {
				return Event{}, err
			}
			if len(a.outNumbers) > 0 {
				a.AnswerOutNumber = a.outNumbers[0]
			}
			actor := audit.ActorOf(ctx).PersonID
			if err := tx.Model(&Reply{}).Where("id = ?", r.ID).Updates(map[string]any{"state": ReplyApproved,
				"reviewer_person_id": nullable(actor), "reviewed_at": now, "out_number": a.AnswerOutNumber}).Error; err != nil {
				return Event{}, err
			}
			return Event{Kind: EventAnswered}, nil
		})
}

// SendBack returns the submitted reply to the executor with the head's remarks.
func (s *Service) SendBack(ctx context.Context, appealID int64, note string) error {
	note = strings.TrimSpace(note)
	if err := checkText("note", note, true); err != nil {
		return err
	}
	return s.change(ctx, appealID, StepSendBack, 0,
		func(tx *gorm.DB, a *Appeal, now time.Time) (Event, error) {
			r, err := submittedReply(tx, a.ID)
			if err != nil {
				return Event{}, err
			}
			actor := audit.ActorOf(ctx).PersonID
			if err := tx.Model(&Reply{}).Where("id = ?", r.ID).Updates(map[string]any{"state": ReplySentBack,
				"review_note": note, "reviewer_person_id": nullable(actor), "reviewed_at": now}).Error; err != nil {
				return Event{}, err
			}
			a.Status = StatusInProgress
			return Event{Kind: EventReplySentBack, Note: note}, nil
		})
}

func submittedReply(tx *gorm.DB, appealID int64) (*Reply, error) {
	var r Reply
	err := tx.Preload("Results").Where("appeal_id = ? AND state = ?", appealID, ReplySubmitted).
		Order("id DESC").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.Conflict, "routing.error.state")
	}
	return &r, err
}

func nullable(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// AppealResult is the result an answered appeal is counted under: the one most of its questions got,
// and on a tie the one of the earliest question (the main one).
func AppealResult(questionResults []string) string {
	count := map[string]int{}
	best := ""
	for _, r := range questionResults {
		count[r]++
	}
	for _, r := range questionResults {
		if count[r] > count[best] {
			best = r
		}
	}
	return best
}

// Replies returns the appeal's replies, newest first, with their results and files.
func (s *Service) Replies(ctx context.Context, appealID int64) ([]Reply, error) {
	var list []Reply
	err := s.db.WithContext(ctx).Preload("Results").
		Preload("Attachments", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Where("appeal_id = ?", appealID).Order("id DESC").Find(&list).Error
	return list, err
}
