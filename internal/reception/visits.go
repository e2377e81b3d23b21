package reception

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/db"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/registry"
)

// VisitorInput is who comes and with what: a signed-in citizen (PersonID) booking for themselves, or
// staff (BookedBy) booking for a caller or writing in a walk-in visitor.
type VisitorInput struct {
	PersonID                        *int64
	BookedBy                        *int64
	LastName, FirstName, Patronymic string
	Address, Phone, Email           string
	SubjectCode, Question           string
}

func (s *Service) checkVisitor(in *VisitorInput) error {
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	in.LastName, in.FirstName, in.Patronymic = clean(in.LastName), clean(in.FirstName), clean(in.Patronymic)
	in.Address, in.Phone, in.Email = clean(in.Address), clean(in.Phone), strings.TrimSpace(in.Email)
	in.Question = strings.TrimSpace(in.Question)
	v := errs.Validation{}
	for field, val := range map[string]string{"last_name": in.LastName, "first_name": in.FirstName, "question": in.Question} {
		if val == "" {
			v.Add(field, "reception.error.required")
		}
	}
	for field, val := range map[string]string{"last_name": in.LastName, "first_name": in.FirstName,
		"patronymic": in.Patronymic, "address": in.Address, "phone": in.Phone, "email": in.Email} {
		if utf8.RuneCountInString(val) > maxText {
			v.Add(field, "reception.error.too_long")
		}
	}
	if utf8.RuneCountInString(in.Question) > maxQuestion {
		v.Add("question", "reception.error.too_long")
	}
	if !s.clf.Subjects.Has(in.SubjectCode) {
		v.Add("subject", "reception.error.subject")
	}
	if in.PersonID == nil && in.Phone == "" && in.Email == "" {
		v.Add("phone", "reception.error.contact") // staff must be able to reach a caller if the day moves
	}
	return v.Err()
}

// Book holds a place in the slot for the visitor. The slot's place is taken by one conditional UPDATE
// (taken < capacity) under the row's lock, so of any number of people booking the last place at once,
// on any number of instances, exactly one gets it; a person holds one booking per day and at most
// Options.PerPerson live bookings of coming receptions. A past slot, a cancelled day or a full slot is
// a Conflict that says which.
func (s *Service) Book(ctx context.Context, slotID int64, in VisitorInput) (*Visit, error) {
	if err := s.checkVisitor(&in); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var visit *Visit
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		slot, err := take[Slot](tx.Where("id = ?", slotID))
		if err != nil {
			return err
		}
		d, err := s.day(ctx, tx, slot.DayID)
		if err != nil {
			return err
		}
		switch {
		case d.Cancelled():
			return errs.New(errs.Conflict, "reception.error.day_cancelled")
		case !slot.StartsAt.After(now):
			return errs.New(errs.Conflict, "reception.error.slot_past")
		}
		if in.PersonID != nil {
			if err := s.checkHoarding(tx, *in.PersonID, now); err != nil {
				return err
			}
		}
		res := tx.Model(&Slot{}).Where("id = ? AND taken < capacity", slotID).Update("taken", gorm.Expr("taken + 1"))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.Conflict, "reception.error.slot_taken")
		}
		visit = visitOf(d.ID, &slotID, in, now)
		if err := tx.Create(visit).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errs.New(errs.Conflict, "reception.error.same_day")
			}
			return err
		}
		if err := audit.Record(ctx, tx, auditBook, "reception_visit", visit.ID, ""); err != nil {
			return err
		}
		return s.tell(ctx, tx, visit, d, notify.ReceptionBooked, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("book a reception: %w", err)
	}
	return visit, nil
}

// checkHoarding refuses a booking over the person's limit of live bookings of coming receptions. On
// PostgreSQL the person's row is locked first, so two bookings of one person at once are counted one
// after the other (SQLite's one writer already does that).
func (s *Service) checkHoarding(tx *gorm.DB, personID int64, now time.Time) error {
	if db.Dialect(tx) == db.Postgres {
		if err := tx.Exec("SELECT id FROM persons WHERE id = ? FOR UPDATE", personID).Error; err != nil {
			return err
		}
	}
	var live int64
	err := tx.Model(&Visit{}).Joins("JOIN reception_slots ON reception_slots.id = reception_visits.slot_id").
		Where("reception_visits.person_id = ? AND reception_visits.status = ? AND reception_slots.starts_at > ?",
			personID, StatusBooked, now).Count(&live).Error
	if err != nil {
		return err
	}
	if live >= int64(s.opts.PerPerson) {
		return errs.New(errs.Conflict, "reception.error.limit")
	}
	return nil
}

func visitOf(dayID int64, slotID *int64, in VisitorInput, now time.Time) *Visit {
	return &Visit{DayID: dayID, SlotID: slotID, PersonID: in.PersonID, BookedBy: in.BookedBy,
		LastName: in.LastName, FirstName: in.FirstName, Patronymic: in.Patronymic, Address: in.Address,
		Phone: in.Phone, Email: in.Email, SubjectCode: in.SubjectCode, Question: in.Question,
		Status: StatusBooked, CreatedAt: now}
}

// WalkIn writes a visitor who came without booking into the day's journal.
func (s *Service) WalkIn(ctx context.Context, dayID int64, in VisitorInput) (*Visit, error) {
	in.PersonID = nil
	if err := s.checkVisitor(&in); err != nil && !onlyContact(err) {
		return nil, err
	}
	now := s.clock.Now()
	visit := visitOf(dayID, nil, in, now)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		d, err := s.day(ctx, tx, dayID)
		if err != nil {
			return err
		}
		if d.Cancelled() {
			return errs.New(errs.Conflict, "reception.error.day_cancelled")
		}
		if err := tx.Create(visit).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, auditBook, "reception_visit", visit.ID, "walk-in")
	})
	if err != nil {
		return nil, fmt.Errorf("walk-in visitor: %w", err)
	}
	return visit, nil
}

// onlyContact says whether the only problem is the missing contact, which a visitor standing in the
// room does not need.
func onlyContact(err error) bool {
	e := errs.As(err, errs.Invalid)
	return e != nil && len(e.Fields) == 1 && e.Fields["phone"] == "reception.error.contact"
}

// CancelVisit gives the place back. A citizen (personID set) cancels only their own booking — another's is
// NotFound —; staff (personID nil) any booking of a coming reception.
func (s *Service) CancelVisit(ctx context.Context, visitID int64, personID *int64) error {
	now := s.clock.Now()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("id = ?", visitID)
		if personID != nil {
			q = q.Where("person_id = ?", *personID)
		}
		v, err := take[Visit](q)
		if err != nil {
			return err
		}
		res := tx.Model(&Visit{}).Where("id = ? AND status = ?", visitID, StatusBooked).
			Updates(map[string]any{"status": StatusCancelled, "cancelled_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.Conflict, "reception.error.not_booked")
		}
		if v.SlotID != nil {
			if err := tx.Model(&Slot{}).Where("id = ? AND taken > 0", *v.SlotID).
				Update("taken", gorm.Expr("taken - 1")).Error; err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, auditCancel, "reception_visit", visitID, "")
	})
}

// VisitView is a visit with its reception day and slot time.
type VisitView struct {
	Visit
	Day      DayView
	SlotTime *time.Time
}

// VisitsOf lists a citizen's visits, the coming ones first.
func (s *Service) VisitsOf(ctx context.Context, personID int64) ([]VisitView, error) {
	var visits []Visit
	if err := s.db.WithContext(ctx).Where("person_id = ?", personID).Order("id DESC").Limit(100).
		Find(&visits).Error; err != nil {
		return nil, fmt.Errorf("visits of a person: %w", err)
	}
	return s.visitViews(ctx, visits)
}

// Visit returns one visit with its day; a citizen (personID set) sees only their own (NotFound otherwise).
func (s *Service) Visit(ctx context.Context, visitID int64, personID *int64) (*VisitView, error) {
	q := s.db.WithContext(ctx).Where("id = ?", visitID)
	if personID != nil {
		q = q.Where("person_id = ?", *personID)
	}
	v, err := take[Visit](q)
	if err != nil {
		return nil, err
	}
	views, err := s.visitViews(ctx, []Visit{*v})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

// Journal is a reception day with its visitors: booked ones in the order of their slots, walk-ins after.
func (s *Service) Journal(ctx context.Context, dayID int64) (*DayView, []VisitView, error) {
	d, _, err := s.DayWithSlots(ctx, dayID)
	if err != nil {
		return nil, nil, err
	}
	var visits []Visit
	if err := s.db.WithContext(ctx).Where("day_id = ?", dayID).Order("id").Find(&visits).Error; err != nil {
		return nil, nil, fmt.Errorf("reception journal: %w", err)
	}
	views, err := s.visitViews(ctx, visits)
	if err != nil {
		return nil, nil, err
	}
	sortJournal(views)
	return d, views, nil
}

func (s *Service) visitViews(ctx context.Context, visits []Visit) ([]VisitView, error) {
	if len(visits) == 0 {
		return nil, nil
	}
	dayIDs, slotIDs := []int64{}, []int64{}
	for _, v := range visits {
		dayIDs = append(dayIDs, v.DayID)
		if v.SlotID != nil {
			slotIDs = append(slotIDs, *v.SlotID)
		}
	}
	var days []Day
	if err := s.db.WithContext(ctx).Where("id IN ?", dayIDs).Find(&days).Error; err != nil {
		return nil, err
	}
	dv, err := s.views(ctx, days)
	if err != nil {
		return nil, err
	}
	dayOf := map[int64]DayView{}
	for _, d := range dv {
		dayOf[d.ID] = d
	}
	slotAt := map[int64]time.Time{}
	if len(slotIDs) > 0 {
		var slots []Slot
		if err := s.db.WithContext(ctx).Where("id IN ?", slotIDs).Find(&slots).Error; err != nil {
			return nil, err
		}
		for _, sl := range slots {
			slotAt[sl.ID] = sl.StartsAt
		}
	}
	out := make([]VisitView, 0, len(visits))
	for _, v := range visits {
		vv := VisitView{Visit: v, Day: dayOf[v.DayID]}
		if v.SlotID != nil {
			t := slotAt[*v.SlotID]
			vv.SlotTime = &t
		}
		out = append(out, vv)
	}
	return out, nil
}

// Decision is what the official decided on the spot: the resolution, and the appeal's type and question
// (the subject and text the visitor came with, as corrected).
type Decision struct {
	Resolution  string
	Type        string
	SubjectCode string
	Question    string
	Address     string // the visitor's address as they gave it in the room (Art. 5 asks for it)
}

// Receive records that the visitor was received and makes their appeal in one transaction: the visit is
// marked received (once: a second click is a Conflict), and the appeal is registered in the registry
// under the channel "reception" with the official's resolution (its author the official's staff account,
// when they have one), the question and subject carried over; the visitor's account, when they booked
// online, sees it under "My appeals".
func (s *Service) Receive(ctx context.Context, visitID int64, dec Decision) (int64, error) {
	dec.Resolution = strings.TrimSpace(dec.Resolution)
	if dec.Resolution == "" {
		return 0, errs.Validation{"resolution": "reception.error.required"}.Err()
	}
	if utf8.RuneCountInString(dec.Resolution) > maxQuestion {
		return 0, errs.Validation{"resolution": "reception.error.too_long"}.Err()
	}
	now := s.clock.Now()
	var appealID int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := take[Visit](tx.Where("id = ?", visitID))
		if err != nil {
			return err
		}
		d, err := s.day(ctx, tx, v.DayID)
		if err != nil {
			return err
		}
		if d.Cancelled() || d.Date.After(s.clock.Today()) {
			return errs.New(errs.Conflict, "reception.error.not_today")
		}
		res := tx.Model(&Visit{}).Where("id = ? AND status IN ?", visitID, []string{StatusBooked, StatusAbsent}).
			Updates(map[string]any{"status": StatusReceived, "received_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.Conflict, "reception.error.not_booked")
		}
		var o Official
		if err := tx.Take(&o, d.OfficialID).Error; err != nil {
			return err
		}
		in := registerInput(ctx, v, &o, dec, now)
		a, err := s.registry.RegisterWith(ctx, tx, in)
		if err != nil {
			return journalFields(err)
		}
		appealID = a.ID
		if err := tx.Model(&Visit{}).Where("id = ?", visitID).Update("appeal_id", a.ID).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, auditReceive, "reception_visit", visitID, fmt.Sprintf("appeal=%d", a.ID))
	})
	if err != nil {
		return 0, fmt.Errorf("receive a visitor: %w", err)
	}
	return appealID, nil
}

func registerInput(ctx context.Context, v *Visit, o *Official, dec Decision, now time.Time) registry.RegisterInput {
	subject, question, address := v.SubjectCode, v.Question, v.Address
	if dec.SubjectCode != "" {
		subject = dec.SubjectCode
	}
	if q := strings.TrimSpace(dec.Question); q != "" {
		question = q
	}
	if a := strings.TrimSpace(dec.Address); a != "" {
		address = a
	}
	typ := dec.Type
	if typ == "" {
		typ = registry.TypeApplication
	}
	registrar := v.BookedBy
	if id := audit.ActorOf(ctx).PersonID; id != 0 {
		registrar = &id // the staff member who records the reception registers its appeal
	}
	return registry.RegisterInput{Channel: registry.ChannelReception, PersonID: v.PersonID,
		LastName: v.LastName, FirstName: v.FirstName, Patronymic: v.Patronymic, Address: address,
		Email: v.Email, Phone: v.Phone, Type: typ, Summary: question, ReceivedAt: now,
		Questions:    []registry.QuestionInput{{SubjectCode: subject, Text: question}},
		RegisteredBy: registrar, Consent: true,
		Resolution: dec.Resolution + "\n— " + o.Name + ", " + o.PositionUK, ResolutionBy: o.PersonID}
}

// MarkAbsent records that a booked visitor did not come (their place stays counted: the time has passed).
func (s *Service) MarkAbsent(ctx context.Context, visitID int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		v, err := take[Visit](tx.Where("id = ?", visitID))
		if err != nil {
			return err
		}
		d, err := s.day(ctx, tx, v.DayID)
		if err != nil {
			return err
		}
		if d.Date.After(s.clock.Today()) {
			return errs.New(errs.Conflict, "reception.error.not_today")
		}
		res := tx.Model(&Visit{}).Where("id = ? AND status = ?", visitID, StatusBooked).Update("status", StatusAbsent)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errs.New(errs.Conflict, "reception.error.not_booked")
		}
		return audit.Record(ctx, tx, auditAbsent, "reception_visit", visitID, "")
	})
}

// RemindTomorrow reminds the people booked for tomorrow's receptions, each once: the visit is claimed by
// a conditional update in the notice's transaction, so nothing is sent twice however many instances run it.
func (s *Service) RemindTomorrow(ctx context.Context) (int, error) {
	tomorrow := s.clock.Today().AddDate(0, 0, 1)
	sent := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var visits []Visit
		err := tx.Joins("JOIN reception_days ON reception_days.id = reception_visits.day_id").
			Where("reception_days.day = ? AND reception_days.cancelled_at IS NULL AND reception_visits.status = ? AND reception_visits.reminded_at IS NULL",
				tomorrow, StatusBooked).Limit(500).Find(&visits).Error
		if err != nil {
			return err
		}
		for i := range visits {
			v := &visits[i]
			res := tx.Model(&Visit{}).Where("id = ? AND reminded_at IS NULL", v.ID).Update("reminded_at", s.clock.Now())
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				continue
			}
			d, err := s.day(ctx, tx, v.DayID)
			if err != nil {
				return err
			}
			if err := s.tell(ctx, tx, v, d, notify.ReceptionReminder, nil); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}

// tell sends the visitor a notice about their booking, when they gave an e-mail.
func (s *Service) tell(ctx context.Context, tx *gorm.DB, v *Visit, d *Day, kind notify.Kind, extra map[string]any) error {
	if s.notify == nil || v.Email == "" {
		return nil
	}
	var o Official
	if err := tx.Take(&o, d.OfficialID).Error; err != nil {
		return err
	}
	when := d.StartsAt
	if v.SlotID != nil {
		var sl Slot
		if err := tx.Take(&sl, *v.SlotID).Error; err != nil {
			return err
		}
		when = sl.StartsAt
	}
	data := map[string]any{
		"Name":     strings.TrimSpace(v.FirstName + " " + v.Patronymic),
		"Official": o.Name + ", " + o.PositionUK,
		"When":     when.In(s.clock.Zone()).Format("02.01.2006 15:04"),
		"Place":    d.Place,
	}
	for k, val := range extra {
		data[k] = val
	}
	return s.notify.Notify(ctx, tx, notify.Notice{Kind: kind, PersonID: v.PersonID, To: v.Email,
		Path: "/reception/visits/" + fmt.Sprint(v.ID), Data: data})
}

// sortJournal orders the journal: booked visitors by their slot's time, then walk-ins as they came.
func sortJournal(views []VisitView) {
	slices.SortStableFunc(views, func(a, b VisitView) int {
		switch {
		case a.SlotTime != nil && b.SlotTime != nil:
			return a.SlotTime.Compare(*b.SlotTime)
		case a.SlotTime != nil:
			return -1
		case b.SlotTime != nil:
			return 1
		}
		return 0
	})
}

// journalFields names the registry's content problems by the journal form's fields: the question is the
// appeal's substance.
func journalFields(err error) error {
	e := errs.As(err, errs.Invalid)
	if e == nil || len(e.Fields) == 0 {
		return err
	}
	out := &errs.Error{Code: errs.Invalid, Message: e.Message, Fields: map[string]string{}}
	for field, msg := range e.Fields {
		switch {
		case field == "summary" || strings.HasPrefix(field, "question"):
			field = "question"
		case field == "type":
		case field == "address" || field == "last_name" || field == "first_name" || field == "email":
		default:
			field = "question"
		}
		if _, taken := out.Fields[field]; !taken {
			out.Fields[field] = msg
		}
	}
	return out
}
