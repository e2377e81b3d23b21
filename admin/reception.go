package admin

import (
	"context"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/settlement"
	"github.com/hromada/hromada/internal/web"
)

// receptionDesk may open the reception journal, book for callers and record the officials' decisions.
var receptionDesk = []string{identity.RoleRegistrar, identity.RoleHead, identity.RoleAdmin}

// receptionRoutes adds personal reception: the schedule (admin keeps it), the reception journal of each
// day (the desk: booking for callers, walk-ins, the decision that becomes an appeal), the printable card.
func (h *handlers) receptionRoutes(staff fiber.Router) {
	desk, admins := web.RequireRole(receptionDesk...), web.RequireRole(identity.RoleAdmin)
	staff.Get("/reception", desk, h.receptionDays)
	staff.Post("/reception/officials", admins, h.saveOfficial)
	staff.Post("/reception/officials/:id<int>", admins, h.saveOfficial)
	staff.Post("/reception/days", admins, h.addReceptionDays)
	staff.Post("/reception/days/:id<int>/cancel", admins, h.cancelReceptionDay)
	staff.Get("/reception/days/:id<int>", desk, h.receptionJournal)
	staff.Post("/reception/days/:id<int>/book", desk, h.bookForCaller)
	staff.Post("/reception/days/:id<int>/walkin", desk, h.walkIn)
	staff.Post("/reception/visits/:id<int>/receive", desk, h.receiveVisitor)
	staff.Post("/reception/visits/:id<int>/absent", desk, h.markAbsent)
	staff.Post("/reception/visits/:id<int>/cancel", desk, h.cancelVisit)
	staff.Get("/reception/visits/:id<int>/card", desk, h.receptionCard)
}

// officialForm and daysForm are the schedule's forms as typed, kept to show them again.
type officialForm struct {
	ID                                    int64
	Name, PositionUK, PositionEN, Account string
	Active                                bool
}

type daysForm struct {
	Official, First, Weeks, Start, End, Slot, Capacity, Place, Settlement string
}

// receptionDays is the schedule of the coming weeks with links to each day's journal, and for admins the
// officials and the form that puts reception days on the schedule.
func (h *handlers) receptionDays(c *fiber.Ctx) error {
	return h.renderReceptionDays(c, officialForm{}, daysForm{Weeks: "1", Start: "10:00", End: "13:00", Slot: "20", Capacity: "1"}, nil)
}

func (h *handlers) renderReceptionDays(c *fiber.Ctx, of officialForm, df daysForm, problems map[string]string) error {
	today := h.Reception.Clock().Today()
	days, err := h.Reception.Schedule(c.UserContext(), today.AddDate(0, 0, -14), today.AddDate(0, 0, 7*12))
	if err != nil {
		return err
	}
	officials, err := h.Reception.Officials(c.UserContext(), false)
	if err != nil {
		return err
	}
	places, err := h.Settlements.List(c.UserContext(), true)
	if err != nil {
		return err
	}
	accounts, err := h.staffAccounts(c)
	if err != nil {
		return err
	}
	return c.Render("admin/reception", fiber.Map{
		"Accounts": accounts,
		"Title":    h.web.TextsOf(c).T("reception.admin.title"), "Days": days, "Officials": officials,
		"OfficialChoices": officialChoices(officials), "Settlements": settlement.Choices(places),
		"Official": of, "DaysForm": df, "Errors": problems, "Today": today,
		"IsAdmin": web.HasRole(c, identity.RoleAdmin),
	})
}

func (h *handlers) saveOfficial(c *fiber.Ctx) error {
	id := int64(0)
	if c.Params("id") != "" {
		var err error
		if id, err = web.ParamID(c, "id"); err != nil {
			return err
		}
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	accounts, err := h.staffAccounts(c)
	if err != nil {
		return err
	}
	of := officialForm{ID: id, Name: r.Line("name", form.MaxLine), PositionUK: r.Line("position_uk", form.MaxLine),
		PositionEN: r.Line("position_en", form.MaxLine), Account: r.Line("account", 20), Active: r.Flag("active")}
	problems := r.Problems()
	var account *int64
	if of.Account != "" {
		if !slices.ContainsFunc(accounts, func(a choice) bool { return a.Value == of.Account }) {
			problems.Add("account", "reception.error.account")
		} else {
			n, _ := strconv.ParseInt(of.Account, 10, 64)
			account = &n
		}
	}
	if len(problems) == 0 {
		_, err = h.Reception.SaveOfficial(c.UserContext(), id, reception.OfficialInput{Name: of.Name,
			PositionUK: of.PositionUK, PositionEN: of.PositionEN, PersonID: account, Active: of.Active})
		if e := errs.As(err, errs.Invalid); e != nil {
			problems = e.Fields
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderReceptionDays(c, of, daysForm{}, problems)
	}
	return h.web.Done(c, "reception.admin.official_saved", "/admin/reception")
}

func (h *handlers) addReceptionDays(c *fiber.Ctx) error {
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	df := daysForm{Official: r.Line("official", 20), First: r.Line("first", 20), Weeks: r.Line("weeks", 5),
		Start: r.Line("start", 10), End: r.Line("end", 10), Slot: r.Line("slot_minutes", 5),
		Capacity: r.Line("capacity", 5), Place: r.Line("place", form.MaxLine), Settlement: r.Line("settlement", 20)}
	problems := r.Problems()
	in := reception.DaysInput{Start: df.Start, End: df.End, Place: df.Place}
	in.OfficialID, _ = strconv.ParseInt(df.Official, 10, 64)
	if in.OfficialID <= 0 {
		problems.Add("official", "reception.error.official")
	}
	if d, ok := form.ParseDate(df.First); ok {
		in.First = d
	} else {
		problems.Add("first", "reception.error.date")
	}
	number := func(field, s string, into *int) {
		n, err := strconv.Atoi(s)
		if err != nil {
			problems.Add(field, "reception.error.number")
		}
		*into = n
	}
	number("weeks", df.Weeks, &in.Weeks)
	number("slot_minutes", df.Slot, &in.SlotMinutes)
	number("capacity", df.Capacity, &in.Capacity)
	if df.Settlement != "" {
		id, err := strconv.ParseInt(df.Settlement, 10, 64)
		if err != nil {
			problems.Add("settlement", "settlement.error.choose")
		}
		in.SettlementID = &id
	}
	if len(problems) == 0 {
		_, err = h.Reception.AddDays(c.UserContext(), in)
		if e := errs.As(err, errs.Invalid, errs.Conflict); e != nil {
			problems = fieldsOf(e, "first")
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderReceptionDays(c, officialForm{}, df, problems)
	}
	return h.web.Done(c, "reception.admin.days_added", "/admin/reception")
}

func (h *handlers) cancelReceptionDay(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	reason := r.Line("reason", form.MaxLine)
	if len(r.Problems()) == 0 {
		err = h.Reception.CancelDay(c.UserContext(), id, reason)
	} else {
		err = r.Problems().Err()
	}
	if e := errs.As(err, errs.Invalid, errs.Conflict); e != nil {
		return h.renderReceptionJournal(c, id, receptionForms{Reason: reason}, fieldsOf(e, "reason"))
	}
	if err != nil {
		return err
	}
	return h.web.Done(c, "reception.admin.day_cancelled", "/admin/reception/days/"+strconv.FormatInt(id, 10))
}

// fieldsOf are a refusal's problems by field, the message beside field when it names none.
func fieldsOf(e *errs.Error, field string) map[string]string {
	if len(e.Fields) > 0 {
		return e.Fields
	}
	return map[string]string{field: e.Message}
}

// receptionForms are the journal page's forms as typed: the caller's booking or the walk-in visitor, the
// decision on one visit, the day's cancellation.
type receptionForms struct {
	Visitor  visitorForm
	Decision decisionForm
	VisitID  int64 // the visit whose decision form was sent
	Reason   string
}

type visitorForm struct {
	Slot, LastName, FirstName, Patronymic, Address, Phone, Email, Subject, Question string
}

type decisionForm struct {
	Resolution, Type, Subject, Question, Address string
}

// receptionJournal is a reception day's journal: the booked and walk-in visitors, each with the form that
// records the official's decision, the form to book for a caller and the one to write in a walk-in.
func (h *handlers) receptionJournal(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	return h.renderReceptionJournal(c, id, receptionForms{}, nil)
}

func (h *handlers) renderReceptionJournal(c *fiber.Ctx, dayID int64, f receptionForms, problems map[string]string) error {
	d, visits, err := h.Reception.Journal(c.UserContext(), dayID)
	if err != nil {
		return err
	}
	_, slots, err := h.Reception.DayWithSlots(c.UserContext(), dayID)
	if err != nil {
		return err
	}
	now := h.Reception.Clock().Now()
	open := reception.Open(slots, now)
	if len(problems) > 0 && c.Response().StatusCode() == fiber.StatusOK {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return c.Render("admin/reception_day", fiber.Map{
		"Title": h.web.TextsOf(c).T("reception.journal.title"), "Day": d, "Visits": visits, "Open": open,
		"Subjects": h.Classifier.Subjects, "Types": h.Classifier.Types, "F": f, "Errors": problems,
		"CanReceive": !d.Cancelled() && !d.Date.After(h.Reception.Clock().Today()),
		"IsAdmin":    web.HasRole(c, identity.RoleAdmin), "Past": !d.EndsAt.After(now),
	})
}

func (h *handlers) readVisitor(c *fiber.Ctx) (visitorForm, errs.Validation, error) {
	r, err := web.ReadForm(c)
	if err != nil {
		return visitorForm{}, nil, err
	}
	v := visitorForm{Slot: r.Line("slot", 20), LastName: r.Line("last_name", form.MaxLine),
		FirstName: r.Line("first_name", form.MaxLine), Patronymic: r.Line("patronymic", form.MaxLine),
		Address: r.Line("address", form.MaxLine), Phone: r.Line("phone", form.MaxLine), Email: r.Line("email", form.MaxLine),
		Subject: r.Code("subject", h.Classifier.Subjects.Has), Question: r.Text("question", 2000)}
	problems := r.Problems()
	if problems["subject"] == form.Choose {
		problems["subject"] = "reception.error.subject"
	}
	return v, problems, nil
}

func (v visitorForm) input(staffID int64) reception.VisitorInput {
	return reception.VisitorInput{BookedBy: &staffID, LastName: v.LastName, FirstName: v.FirstName,
		Patronymic: v.Patronymic, Address: v.Address, Phone: v.Phone, Email: v.Email, SubjectCode: v.Subject,
		Question: v.Question}
}

// bookForCaller holds a place for someone who phoned.
func (h *handlers) bookForCaller(c *fiber.Ctx) error {
	return h.visitorStep(c, true)
}

// walkIn writes in a visitor who came without booking.
func (h *handlers) walkIn(c *fiber.Ctx) error {
	return h.visitorStep(c, false)
}

func (h *handlers) visitorStep(c *fiber.Ctx, book bool) error {
	dayID, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	v, problems, err := h.readVisitor(c)
	if err != nil {
		return err
	}
	slotID, _ := strconv.ParseInt(v.Slot, 10, 64)
	if book && slotID <= 0 {
		problems.Add("slot", "reception.error.choose_slot")
	}
	if len(problems) == 0 {
		if book {
			_, err = h.Reception.Book(c.UserContext(), slotID, v.input(personID(c)))
		} else {
			_, err = h.Reception.WalkIn(c.UserContext(), dayID, v.input(personID(c)))
		}
		if e := errs.As(err, errs.Invalid, errs.Conflict); e != nil {
			problems = fieldsOf(e, "slot")
			if e.Code == errs.Conflict {
				c.Status(fiber.StatusConflict)
			}
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return h.renderReceptionJournal(c, dayID, receptionForms{Visitor: v}, problems)
	}
	msg := "reception.admin.walked_in"
	if book {
		msg = "reception.admin.booked"
	}
	return h.web.Done(c, msg, "/admin/reception/days/"+strconv.FormatInt(dayID, 10))
}

// receiveVisitor records the official's decision: the visit is received and its appeal registered in
// one step; the card of the new appeal opens.
func (h *handlers) receiveVisitor(c *fiber.Ctx) error {
	visitID, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Reception.Visit(c.UserContext(), visitID, nil)
	if err != nil {
		return err
	}
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	dec := decisionForm{Resolution: r.Text("resolution", 2000), Type: r.Code("type", h.Classifier.Types.Has),
		Subject: r.Code("subject", h.Classifier.Subjects.Has), Question: r.Text("question", 2000),
		Address: r.Line("address", form.MaxLine)}
	problems := r.Problems()
	var appealID int64
	if len(problems) == 0 {
		appealID, err = h.Reception.Receive(c.UserContext(), visitID, reception.Decision{Resolution: dec.Resolution,
			Type: dec.Type, SubjectCode: dec.Subject, Question: dec.Question, Address: dec.Address})
		if e := errs.As(err, errs.Invalid, errs.Conflict); e != nil {
			problems = fieldsOf(e, "resolution")
			if e.Code == errs.Conflict {
				c.Status(fiber.StatusConflict)
			}
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return h.renderReceptionJournal(c, v.DayID, receptionForms{Decision: dec, VisitID: visitID}, problems)
	}
	h.Log.Info("reception visitor received", "visit_id", visitID, "appeal_id", appealID)
	return h.web.Done(c, "reception.admin.received", "/admin/appeals/"+strconv.FormatInt(appealID, 10))
}

func (h *handlers) markAbsent(c *fiber.Ctx) error {
	return h.visitChange(c, h.Reception.MarkAbsent, "reception.admin.absent")
}

func (h *handlers) cancelVisit(c *fiber.Ctx) error {
	return h.visitChange(c, func(ctx context.Context, id int64) error { return h.Reception.CancelVisit(ctx, id, nil) },
		"reception.cancelled")
}

// visitChange runs a one-button step on a visit and returns to its day's journal; a step the visit's
// state no longer allows is said in the flash.
func (h *handlers) visitChange(c *fiber.Ctx, step func(context.Context, int64) error, done string) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Reception.Visit(c.UserContext(), id, nil)
	if err != nil {
		return err
	}
	back := "/admin/reception/days/" + strconv.FormatInt(v.DayID, 10)
	if err := step(c.UserContext(), id); errs.Is(err, errs.Conflict) {
		return h.web.Done(c, "reception.error.not_booked", back)
	} else if err != nil {
		return err
	}
	return h.web.Done(c, done, back)
}

// receptionCard is the printable card of personal reception (картка особистого прийому).
func (h *handlers) receptionCard(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Reception.Visit(c.UserContext(), id, nil)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": h.web.TextsOf(c).T("reception.card.title"), "Visit": v, "Subjects": h.Classifier.Subjects}
	if v.AppealID != nil {
		a, err := h.Registry.AppealForStaff(c.UserContext(), *v.AppealID)
		if err != nil {
			return err
		}
		data["Appeal"] = a
	}
	return c.Render("admin/reception_card", data)
}

// officialChoices are the active officials as a select's options.
func officialChoices(list []reception.Official) []choice {
	out := make([]choice, 0, len(list))
	for _, o := range list {
		if o.Active {
			out = append(out, choice{Value: strconv.FormatInt(o.ID, 10), Label: o.Name + ", " + o.PositionUK})
		}
	}
	return out
}

// staffAccounts are the staff members an official's account may be chosen from: the author of the
// resolutions the official gives at reception.
func (h *handlers) staffAccounts(c *fiber.Ctx) ([]choice, error) {
	members, err := h.People.StaffMembers(c.UserContext())
	if err != nil {
		return nil, err
	}
	out := make([]choice, 0, len(members))
	for i := range members {
		out = append(out, choice{Value: strconv.FormatInt(members[i].PersonID, 10), Label: members[i].FullName()})
	}
	return out, nil
}

// choice is an option of a select built from rows rather than a classifier list.
type choice struct{ Value, Label string }
