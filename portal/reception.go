package portal

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/form"
	"github.com/hromada/hromada/internal/reception"
	"github.com/hromada/hromada/internal/web"
)

// scheduleWeeks is how far ahead the public schedule looks.
const scheduleWeeks = 8

// receptionRoutes adds personal reception: the public schedule (also as open data), a day's slots and
// the booking form, the citizen's booking with its cancellation.
func (h *handlers) receptionRoutes(s *web.Server) {
	app := s.App
	app.Get("/reception", h.receptionSchedule)
	app.Get("/api/v1/reception", h.apiReception)
	app.Get("/reception/days/:id<int>", h.receptionDay)
	app.Post("/reception/days/:id<int>/book", web.RequireSignIn, s.RateLimit(byAccount("reception", h.Config.Limits.Appeal),
		byIP("reception", h.Config.Limits.AppealIP)), h.bookReception)
	app.Get("/reception/visits/:id<int>", web.RequireSignIn, h.receptionVisit)
	app.Post("/reception/visits/:id<int>/cancel", web.RequireSignIn, h.cancelReception)
}

// receptionSchedule is the published schedule of personal reception (Art. 22) for the coming weeks, and
// the signed-in citizen's bookings.
func (h *handlers) receptionSchedule(c *fiber.Ctx) error {
	today := h.Reception.Clock().Today()
	days, err := h.Reception.Schedule(c.UserContext(), today, today.AddDate(0, 0, 7*scheduleWeeks))
	if err != nil {
		return err
	}
	places, err := h.placeNames(c)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": h.web.TextsOf(c).T("reception.title"), "Days": days, "Weeks": scheduleWeeks,
		"Places": places}
	if p := web.PersonOf(c); p != nil {
		mine, err := h.Reception.VisitsOf(c.UserContext(), p.ID)
		if err != nil {
			return err
		}
		data["Mine"] = mine
	}
	return c.Render("portal/reception", data)
}

// placeNames names the settlements of visiting receptions by id.
func (h *handlers) placeNames(c *fiber.Ctx) (map[int64]string, error) {
	list, err := h.Settlements.List(c.UserContext(), false)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(list))
	for _, st := range list {
		names[st.ID] = st.Name(web.LangOf(c))
	}
	return names, nil
}

// bookingForm is the booking form as typed, kept to show it again.
type bookingForm struct {
	Slot, Subject, Question, Phone string
}

// receptionDay is one reception day: its slots with the places left, and the booking form.
func (h *handlers) receptionDay(c *fiber.Ctx) error {
	return h.renderReceptionDay(c, bookingForm{}, nil)
}

func (h *handlers) renderReceptionDay(c *fiber.Ctx, f bookingForm, problems map[string]string) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	d, slots, err := h.Reception.DayWithSlots(c.UserContext(), id)
	if err != nil {
		return err
	}
	now := h.Reception.Clock().Now()
	open := reception.Open(slots, now)
	if p := web.PersonOf(c); p != nil && f.Phone == "" {
		f.Phone = p.Phone
	}
	places, err := h.placeNames(c)
	if err != nil {
		return err
	}
	return c.Render("portal/reception_day", fiber.Map{
		"Title": h.web.TextsOf(c).T("reception.day.title"), "Day": d, "Slots": slots, "Open": open, "Now": now,
		"Place": places, "Subjects": h.Classifier.Subjects, "Form": f, "Errors": problems,
		"Bookable": !d.Cancelled() && len(open) > 0,
	})
}

// bookReception holds a place for the signed-in citizen; a taken slot, a past one or a cancelled day
// comes back as the form with the reason and what was typed (409), a problem of the form's as 422.
func (h *handlers) bookReception(c *fiber.Ctx) error {
	p := web.PersonOf(c)
	r, err := web.ReadForm(c)
	if err != nil {
		return err
	}
	f := bookingForm{Slot: r.Line("slot", 20), Subject: r.Code("subject", h.Classifier.Subjects.Has),
		Question: r.Text("question", 2000), Phone: r.Line("phone", form.MaxLine)}
	problems := r.Problems()
	slotID, _ := strconv.ParseInt(f.Slot, 10, 64)
	if slotID <= 0 {
		problems.Add("slot", "reception.error.choose_slot")
	}
	if problems["subject"] == form.Choose || (f.Subject == "" && problems["subject"] == "") {
		problems["subject"] = "reception.error.subject"
	}
	if len(problems) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderReceptionDay(c, f, problems)
	}
	pid := p.ID
	v, err := h.Reception.Book(c.UserContext(), slotID, reception.VisitorInput{PersonID: &pid,
		LastName: p.LastName, FirstName: p.FirstName, Patronymic: p.Patronymic, Address: p.Address,
		Phone: f.Phone, Email: p.Email, SubjectCode: f.Subject, Question: f.Question})
	if e := errs.As(err, errs.Invalid, errs.Conflict); e != nil {
		fields := e.Fields
		if len(fields) == 0 {
			fields = map[string]string{"slot": e.Message}
		}
		status := fiber.StatusUnprocessableEntity
		if e.Code == errs.Conflict {
			status = fiber.StatusConflict
		}
		c.Status(status)
		return h.renderReceptionDay(c, f, fields)
	}
	if err != nil {
		return err
	}
	h.Log.Info("reception booked", "visit_id", v.ID)
	return h.web.Done(c, "reception.booked", "/reception/visits/"+strconv.FormatInt(v.ID, 10))
}

// receptionVisit is the citizen's booking: when and where, the question, and cancellation.
func (h *handlers) receptionVisit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	pid := web.PersonOf(c).ID
	v, err := h.Reception.Visit(c.UserContext(), id, &pid)
	if err != nil {
		return err
	}
	places, err := h.placeNames(c)
	if err != nil {
		return err
	}
	now := h.Reception.Clock().Now()
	return c.Render("portal/reception_visit", fiber.Map{
		"Title": h.web.TextsOf(c).T("reception.visit.title"), "Visit": v, "Place": places,
		"Subjects":  h.Classifier.Subjects,
		"CanCancel": v.Status == reception.StatusBooked && v.SlotTime != nil && v.SlotTime.After(now),
	})
}

func (h *handlers) cancelReception(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	pid := web.PersonOf(c).ID
	err = h.Reception.CancelVisit(c.UserContext(), id, &pid)
	if errs.Is(err, errs.Conflict) {
		return h.web.Done(c, "reception.error.not_booked", "/reception/visits/"+strconv.FormatInt(id, 10))
	}
	if err != nil {
		return err
	}
	return h.web.Done(c, "reception.cancelled", "/reception")
}

// apiDay is one reception day in the open data: who receives, when, where, and whether places are left.
type apiDay struct {
	ID         int64     `json:"id"`
	Date       string    `json:"date"`
	Starts     time.Time `json:"starts_at"`
	Ends       time.Time `json:"ends_at"`
	Official   string    `json:"official"`
	Position   string    `json:"position"`
	Place      string    `json:"place"`
	Settlement string    `json:"settlement,omitempty"` // a visiting reception's settlement
	Free       int       `json:"free_places"`
	Cancelled  bool      `json:"cancelled"`
	URL        string    `json:"url"`
}

// apiReception is the schedule as open data (JSON), the same weeks as the page.
func (h *handlers) apiReception(c *fiber.Ctx) error {
	today := h.Reception.Clock().Today()
	days, err := h.Reception.Schedule(c.UserContext(), today, today.AddDate(0, 0, 7*scheduleWeeks))
	if err != nil {
		return err
	}
	lang := web.LangOf(c)
	places, err := h.placeNames(c)
	if err != nil {
		return err
	}
	out := make([]apiDay, 0, len(days))
	for _, d := range days {
		a := apiDay{ID: d.ID, Date: d.Date.Format(time.DateOnly), Starts: d.StartsAt, Ends: d.EndsAt,
			Official: d.Official.Name, Position: d.Official.Position().In(lang), Place: d.Place, Free: d.Free,
			Cancelled: d.Cancelled(), URL: h.Config.BaseURL.String() + "/reception/days/" + strconv.FormatInt(d.ID, 10)}
		if d.SettlementID != nil {
			a.Settlement = places[*d.SettlementID]
		}
		out = append(out, a)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.JSON(fiber.Map{"days": out})
}
