package reception

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/audit"
	"github.com/hromada/hromada/internal/calendar"
	"github.com/hromada/hromada/internal/classifier"
	"github.com/hromada/hromada/internal/errs"
	"github.com/hromada/hromada/internal/notify"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
)

// Actions in the audit log. Raw strings: they are codes, not message ids for the translation check.
const (
	auditOfficial  = `reception.official`
	auditDays      = `reception.days`
	auditCancelDay = `reception.cancel_day`
	auditBook      = `reception.book`
	auditCancel    = `reception.cancel`
	auditReceive   = `reception.receive`
	auditAbsent    = `reception.absent`
)

// Bounds of a schedule an admin types.
const (
	maxText      = 300
	maxQuestion  = 2000
	maxWeeks     = 26 // a day repeated weekly for up to half a year at once
	maxSlots     = 64 // slots of one day
	maxCapacity  = 50 // visitors of one slot
	minSlotMins  = 5
	maxSlotMins  = 240
	maxDaysAhead = 400 // a reception is scheduled at most this many days ahead
)

// Options configure the service.
type Options struct {
	Now func() time.Time // nil: time.Now
	// PerPerson bounds the live bookings of future days one citizen may hold (against hoarding slots).
	PerPerson int
}

// Service keeps the schedule, the bookings and the reception journal.
type Service struct {
	db       *gorm.DB
	clf      *classifier.Classifier
	clock    calendar.Clock
	registry *registry.Service
	notify   *notify.Service
	opts     Options
}

// NewService builds the service. The registry registers the appeals made at reception; notify (nil in
// some tests) sends confirmations, reminders and cancellations.
func NewService(db *gorm.DB, clf *classifier.Classifier, loc *time.Location, reg *registry.Service, n *notify.Service, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if opts.PerPerson <= 0 {
		opts.PerPerson = 2
	}
	return &Service{db: db, clf: clf, clock: calendar.NewClock(loc, now), registry: reg, notify: n, opts: opts}
}

// Clock is the service's clock (the council's today for forms).
func (s *Service) Clock() calendar.Clock { return s.clock }

// OfficialInput is what an admin types for an official.
type OfficialInput struct {
	Name, PositionUK, PositionEN string
	PersonID                     *int64
	Active                       bool
}

// SaveOfficial adds an official (id 0) or changes one.
func (s *Service) SaveOfficial(ctx context.Context, id int64, in OfficialInput) (*Official, error) {
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	o := &Official{ID: id, Name: clean(in.Name), PositionUK: clean(in.PositionUK), PositionEN: clean(in.PositionEN),
		PersonID: in.PersonID, Active: in.Active || id == 0, CreatedAt: s.clock.Now()}
	v := errs.Validation{}
	for field, val := range map[string]string{"name": o.Name, "position_uk": o.PositionUK} {
		if val == "" {
			v.Add(field, "reception.error.required")
		}
	}
	for field, val := range map[string]string{"name": o.Name, "position_uk": o.PositionUK, "position_en": o.PositionEN} {
		if utf8.RuneCountInString(val) > maxText {
			v.Add(field, "reception.error.too_long")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if id == 0 {
			if err := tx.Create(o).Error; err != nil {
				return err
			}
		} else {
			res := tx.Model(&Official{}).Where("id = ?", id).Updates(map[string]any{"name": o.Name,
				"position_uk": o.PositionUK, "position_en": o.PositionEN, "person_id": o.PersonID, "active": o.Active})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return errs.New(errs.NotFound, "error.not_found")
			}
		}
		return audit.Record(ctx, tx, auditOfficial, "reception_official", o.ID, o.Name+", "+o.PositionUK)
	})
	if err != nil {
		return nil, fmt.Errorf("save official: %w", err)
	}
	return o, nil
}

// Officials lists the officials by name: the active ones, or all.
func (s *Service) Officials(ctx context.Context, activeOnly bool) ([]Official, error) {
	var out []Official
	q := s.db.WithContext(ctx).Order("name, id")
	if activeOnly {
		q = q.Where("active = ?", true)
	}
	if err := q.Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list officials: %w", err)
	}
	return out, nil
}

// Official returns one official.
func (s *Service) Official(ctx context.Context, id int64) (*Official, error) {
	return take[Official](s.db.WithContext(ctx).Where("id = ?", id))
}

// DaysInput schedules receptions of one official: on First and, with Weeks > 1, on the same weekday of
// the following weeks; from Start to End (council time, "HH:MM"), cut into slots of SlotMinutes holding
// Capacity visitors each.
type DaysInput struct {
	OfficialID   int64
	First        time.Time // a council date
	Weeks        int
	Start, End   string
	SlotMinutes  int
	Capacity     int
	Place        string
	SettlementID *int64
}

// clock parses "HH:MM" as minutes after midnight.
func minutesOf(hhmm string) (int, bool) {
	t, err := time.Parse("15:04", strings.TrimSpace(hhmm))
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

func (s *Service) checkDays(in *DaysInput) (start, end int, v errs.Validation) {
	v = errs.Validation{}
	today := s.clock.Today()
	switch {
	case in.First.IsZero():
		v.Add("first", "reception.error.date")
	case in.First.Before(today):
		v.Add("first", "reception.error.past")
	case in.First.After(today.AddDate(0, 0, maxDaysAhead)):
		v.Add("first", "reception.error.too_far")
	}
	if in.Weeks == 0 {
		in.Weeks = 1
	}
	if in.Weeks < 1 || in.Weeks > maxWeeks {
		v.Add("weeks", "reception.error.weeks")
	}
	var ok1, ok2 bool
	start, ok1 = minutesOf(in.Start)
	end, ok2 = minutesOf(in.End)
	if !ok1 {
		v.Add("start", "reception.error.time")
	}
	if !ok2 {
		v.Add("end", "reception.error.time")
	}
	if ok1 && ok2 && end <= start {
		v.Add("end", "reception.error.order")
	}
	if in.SlotMinutes < minSlotMins || in.SlotMinutes > maxSlotMins {
		v.Add("slot_minutes", "reception.error.slot")
	} else if ok1 && ok2 && end > start && (end-start)/in.SlotMinutes > maxSlots {
		v.Add("slot_minutes", "reception.error.slots")
	}
	if in.Capacity < 1 || in.Capacity > maxCapacity {
		v.Add("capacity", "reception.error.capacity")
	}
	in.Place = strings.Join(strings.Fields(in.Place), " ")
	if in.Place == "" {
		v.Add("place", "reception.error.required")
	} else if utf8.RuneCountInString(in.Place) > maxText {
		v.Add("place", "reception.error.too_long")
	}
	return start, end, v
}

// AddDays puts the receptions on the schedule with their slots, in one transaction. A reception the
// official already has at the same hour is a Conflict beside "first".
func (s *Service) AddDays(ctx context.Context, in DaysInput) ([]Day, error) {
	start, end, v := s.checkDays(&in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var days []Day
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var o Official
		if err := tx.Where("id = ? AND active = ?", in.OfficialID, true).Take(&o).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errs.Validation{"official": "reception.error.official"}.Err()
			}
			return err
		}
		if in.SettlementID != nil {
			if _, active, err := settlement.TitleOf(ctx, tx, *in.SettlementID); err != nil {
				return err
			} else if !active {
				return errs.Validation{"settlement": "settlement.error.choose"}.Err()
			}
		}
		for w := range in.Weeks {
			date := in.First.AddDate(0, 0, 7*w)
			midnight := s.clock.DayStart(date, 0)
			d := Day{OfficialID: o.ID, Date: date, StartsAt: midnight.Add(time.Duration(start) * time.Minute).UTC(),
				EndsAt: midnight.Add(time.Duration(end) * time.Minute).UTC(), Place: in.Place,
				SettlementID: in.SettlementID, CreatedAt: s.clock.Now()}
			var clash int64
			if err := tx.Model(&Day{}).Where("official_id = ? AND starts_at < ? AND ends_at > ? AND cancelled_at IS NULL",
				o.ID, d.EndsAt, d.StartsAt).Count(&clash).Error; err != nil {
				return err
			}
			if clash > 0 {
				return &errs.Error{Code: errs.Conflict, Message: "reception.error.clash",
					Fields: map[string]string{"first": "reception.error.clash"}}
			}
			if err := tx.Create(&d).Error; err != nil {
				return err
			}
			slots := make([]Slot, 0, (end-start)/in.SlotMinutes)
			for m := start; m+in.SlotMinutes <= end; m += in.SlotMinutes {
				slots = append(slots, Slot{DayID: d.ID, StartsAt: midnight.Add(time.Duration(m) * time.Minute).UTC(), Capacity: in.Capacity})
			}
			if err := tx.Create(&slots).Error; err != nil {
				return err
			}
			days = append(days, d)
		}
		return audit.Record(ctx, tx, auditDays, "reception_official", o.ID,
			fmt.Sprintf("first=%s weeks=%d %s–%s", in.First.Format(time.DateOnly), in.Weeks, in.Start, in.End))
	})
	if err != nil {
		return nil, fmt.Errorf("add reception days: %w", err)
	}
	return days, nil
}

// CancelDay calls a reception day off: its live bookings are cancelled and their people told, with the
// reason, in the same transaction. A day already past or cancelled is refused.
func (s *Service) CancelDay(ctx context.Context, dayID int64, reason string) error {
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" {
		return errs.Validation{"reason": "reception.error.required"}.Err()
	}
	if utf8.RuneCountInString(reason) > maxText {
		return errs.Validation{"reason": "reception.error.too_long"}.Err()
	}
	now := s.clock.Now()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Day{}).Where("id = ? AND cancelled_at IS NULL AND ends_at > ?", dayID, now).
			Updates(map[string]any{"cancelled_at": now, "cancel_reason": reason})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			if _, err := s.day(ctx, tx, dayID); err != nil {
				return err
			}
			return errs.New(errs.Conflict, "reception.error.day_closed")
		}
		var visits []Visit
		if err := tx.Where("day_id = ? AND status = ?", dayID, StatusBooked).Find(&visits).Error; err != nil {
			return err
		}
		if err := tx.Model(&Visit{}).Where("day_id = ? AND status = ?", dayID, StatusBooked).
			Updates(map[string]any{"status": StatusCancelled, "cancelled_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Slot{}).Where("day_id = ?", dayID).Update("taken", 0).Error; err != nil {
			return err
		}
		d, err := s.day(ctx, tx, dayID)
		if err != nil {
			return err
		}
		for i := range visits {
			if err := s.tell(ctx, tx, &visits[i], d, notify.ReceptionCancelled, map[string]any{"Reason": reason}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, auditCancelDay, "reception_day", dayID, reason)
	})
}

func (s *Service) day(ctx context.Context, tx *gorm.DB, id int64) (*Day, error) {
	return take[Day](tx.WithContext(ctx).Where("id = ?", id))
}

// take reads the one row q selects; none is NotFound, as a page answers a row that is not there.
func take[T any](q *gorm.DB) (*T, error) {
	var row T
	err := q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, err
	}
	return &row, nil
}

// DayView is a reception day with its official and the places left.
type DayView struct {
	Day
	Official Official
	Free     int // places left in slots that have not begun
}

// Schedule lists the reception days from..to (council dates, both inclusive), cancelled ones too (the
// page says so), with the places left.
func (s *Service) Schedule(ctx context.Context, from, to time.Time) ([]DayView, error) {
	var days []Day
	if err := s.db.WithContext(ctx).Where("day >= ? AND day <= ?", from, to).Order("starts_at, id").Limit(500).
		Find(&days).Error; err != nil {
		return nil, fmt.Errorf("reception schedule: %w", err)
	}
	return s.views(ctx, days)
}

func (s *Service) views(ctx context.Context, days []Day) ([]DayView, error) {
	if len(days) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(days))
	officials := map[int64]bool{}
	var oids []int64
	for _, d := range days {
		ids = append(ids, d.ID)
		if !officials[d.OfficialID] {
			officials[d.OfficialID] = true
			oids = append(oids, d.OfficialID)
		}
	}
	var os []Official
	if err := s.db.WithContext(ctx).Where("id IN ?", oids).Find(&os).Error; err != nil {
		return nil, err
	}
	byID := map[int64]Official{}
	for _, o := range os {
		byID[o.ID] = o
	}
	var free []struct {
		DayID int64
		Free  int
	}
	if err := s.db.WithContext(ctx).Model(&Slot{}).Select("day_id, COALESCE(SUM(capacity - taken), 0) AS free").
		Where("day_id IN ? AND starts_at > ?", ids, s.clock.Now()).Group("day_id").Scan(&free).Error; err != nil {
		return nil, err
	}
	freeOf := map[int64]int{}
	for _, f := range free {
		freeOf[f.DayID] = f.Free
	}
	out := make([]DayView, 0, len(days))
	for _, d := range days {
		v := DayView{Day: d, Official: byID[d.OfficialID], Free: freeOf[d.ID]}
		if d.Cancelled() {
			v.Free = 0
		}
		out = append(out, v)
	}
	return out, nil
}

// DayWithSlots returns a reception day and its slots in order.
func (s *Service) DayWithSlots(ctx context.Context, id int64) (*DayView, []Slot, error) {
	d, err := s.day(ctx, s.db, id)
	if err != nil {
		return nil, nil, err
	}
	views, err := s.views(ctx, []Day{*d})
	if err != nil {
		return nil, nil, err
	}
	var slots []Slot
	if err := s.db.WithContext(ctx).Where("day_id = ?", id).Order("starts_at").Find(&slots).Error; err != nil {
		return nil, nil, err
	}
	return &views[0], slots, nil
}
