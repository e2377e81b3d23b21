package registry

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/identity"
	"github.com/hromada/hromada/internal/notify"
)

// Reminder points, in days before the due date: the executors are told at 5 days and again at 1 day.
const (
	firstReminder = 5
	lastReminder  = 1
)

// remindBatch bounds the appeals one reminder transaction handles.
const remindBatch = 200

// RemindDeadlines tells the executors of appeals under control that their due date is near: once at 5
// days and once at 1 day before it. The appeal remembers the last reminder sent (reminded_days) in the
// same transaction as the notices, so a reminder is neither lost nor repeated, however often this runs
// and however many instances run it; an extension clears the mark. Appeals not yet routed go to the heads.
func (s *Service) RemindDeadlines(ctx context.Context) (int, error) {
	today := s.clock.Today()
	sent := 0
	for {
		n, err := s.remindSome(ctx, today)
		sent += n
		if err != nil || n < remindBatch {
			return sent, err
		}
	}
}

func (s *Service) remindSome(ctx context.Context, today time.Time) (int, error) {
	var done int
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var list []Appeal
		// Only appeals that need a reminder now: none sent yet within 5 days, or none at 1 day within 1 day.
		// An appeal out of deadline control (anonymous, Art. 8) has no deadline to remind of.
		err := tx.Where("status IN ? AND uncontrolled = ? AND due_date >= ?", underControl, false, today).
			Where("(due_date <= ? AND reminded_days IS NULL) OR (due_date <= ? AND (reminded_days IS NULL OR reminded_days > ?))",
				today.AddDate(0, 0, firstReminder), today.AddDate(0, 0, lastReminder), lastReminder).
			Order("due_date, id").Limit(remindBatch).Find(&list).Error
		if err != nil {
			return fmt.Errorf("appeals due soon: %w", err)
		}
		for i := range list {
			a := &list[i]
			left := int(a.DueDate.Sub(today).Hours() / 24)
			point := firstReminder
			if left <= lastReminder {
				point = lastReminder
			}
			// Claim the reminder with a conditional update: a change of the due date or status committed
			// since the read, or another instance's run, makes it match nothing, and nothing is sent.
			res := tx.Model(&Appeal{}).Where("id = ? AND due_date = ? AND status IN ? AND (reminded_days IS NULL OR reminded_days > ?)",
				a.ID, a.DueDate, underControl, point).Update("reminded_days", point)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				continue
			}
			if err := s.tellExecutors(ctx, tx, a, notify.AppealDueSoon, map[string]any{"Days": left}); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	return done, err
}

// tellExecutors sends a staff notice about one appeal to the people answering it: the named executor,
// or else the executors of the lead department; the heads before routing, while a reply waits for
// approval, and when nobody in the department has an address.
func (s *Service) tellExecutors(ctx context.Context, tx *gorm.DB, a *Appeal, kind notify.Kind, extra map[string]any) error {
	if s.notify == nil {
		return nil
	}
	var to []identity.StaffContact
	var err error
	switch {
	case a.Status == StatusAwaitingApproval: // the reply is written: the head must approve it
	case a.ExecutorID != nil:
		to, err = identity.Contacts(ctx, tx, *a.ExecutorID)
	case a.DepartmentID != nil:
		to, err = identity.StaffOfDepartment(ctx, tx, *a.DepartmentID, identity.RoleExecutor)
	}
	if err == nil && len(to) == 0 {
		// Not routed, waiting for approval, or nobody in the department to tell: the heads are.
		to, err = identity.StaffWithRoles(ctx, tx, identity.RoleHead)
	}
	if err != nil {
		return err
	}
	return s.tellStaff(ctx, tx, a, kind, extra, to)
}

// DigestHour is the hour of the council's day from which the overdue digest goes out.
const DigestHour = 8

// OverdueDigest sends each department's staff (executors and heads placed in it) the list of its overdue
// appeals, and the council's heads the overdue appeals nobody was assigned: once a council's day, from
// DigestHour on. Run it hourly: a run that finds today's digest already written sends nothing, and a
// run that failed is made good by the next.
func (s *Service) OverdueDigest(ctx context.Context, now time.Time) (int, error) {
	if s.notify == nil || now.In(s.clock.Zone()).Hour() < DigestHour {
		return 0, nil
	}
	today := s.clock.Date(now)
	done, err := s.notify.WrittenSince(ctx, s.db, notify.AppealOverdueDigest, s.clock.DayStart(today, 0))
	if err != nil || done {
		return 0, err
	}
	var list []Appeal
	err = s.db.WithContext(ctx).Select("id", "reg_index", "due_date", "department_id", "priority").
		Where("status IN ? AND uncontrolled = ? AND due_date < ?", underControl, false, today).Order("due_date, id").Find(&list).Error
	if err != nil {
		return 0, fmt.Errorf("overdue appeals: %w", err)
	}
	byDept := map[int64][]Appeal{}
	for _, a := range list {
		var d int64
		if a.DepartmentID != nil {
			d = *a.DepartmentID
		}
		byDept[d] = append(byDept[d], a)
	}
	depts := make([]int64, 0, len(byDept))
	for d := range byDept {
		depts = append(depts, d)
	}
	sort.Slice(depts, func(i, j int) bool { return depts[i] < depts[j] })
	sent := 0
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var notices []notify.Notice
		for _, d := range depts {
			var to []identity.StaffContact
			var err error
			if d == 0 {
				to, err = identity.StaffWithRoles(ctx, tx, identity.RoleHead)
			} else {
				to, err = identity.StaffOfDepartment(ctx, tx, d, identity.RoleExecutor, identity.RoleHead)
			}
			if err != nil {
				return err
			}
			var lines []string
			for _, a := range byDept[d] {
				lines = append(lines, a.RegIndex+" — "+a.DueDate.Format("02.01.2006"))
			}
			data := map[string]any{"Count": len(lines), "Lines": lines, "List": strings.Join(lines, "\n")}
			path := "/admin/appeals?overdue=1"
			if d != 0 {
				path += fmt.Sprintf("&department=%d", d)
			}
			for _, c := range to {
				id := c.PersonID
				notices = append(notices, notify.Notice{Kind: notify.AppealOverdueDigest, PersonID: &id, To: c.Email,
					Path: path, Data: data})
			}
		}
		sent = len(notices)
		return s.notify.NotifyMany(ctx, tx, notices)
	})
	return sent, err
}

// Dashboard is what a department's page shows: its overdue appeals, those due within 5 days, replies
// waiting for the head's approval, and this year's appeals forwarded or returned after their term.
type Dashboard struct {
	Overdue, DueSoon, AwaitingApproval []Appeal
	OverdueTotal, DueSoonTotal         int64
	AwaitingTotal                      int64
	Breaches                           []Appeal
	BreachesTotal                      int64
	BreachesFrom                       time.Time // the first day of the council's year: breaches of appeals received since
}

// DashboardDueDays is the "due soon" window of the dashboards.
const DashboardDueDays = 5

// DepartmentDashboard gathers a dashboard over the appeals the filter selects: one department's
// (DepartmentID), what an executor's department leads or helps with (Scoped), or the whole council.
func (s *Service) DepartmentDashboard(ctx context.Context, base Filter) (*Dashboard, error) {
	var d Dashboard
	var err error
	base.Sort = SortDueAsc
	f := base
	f.Overdue = true
	if d.Overdue, d.OverdueTotal, err = s.ListForStaff(ctx, f); err != nil {
		return nil, err
	}
	f = base
	f.DueWithinDays = DashboardDueDays
	if d.DueSoon, d.DueSoonTotal, err = s.ListForStaff(ctx, f); err != nil {
		return nil, err
	}
	f = base
	f.Status = StatusAwaitingApproval
	if d.AwaitingApproval, d.AwaitingTotal, err = s.ListForStaff(ctx, f); err != nil {
		return nil, err
	}
	today := s.clock.Today()
	d.BreachesFrom = time.Date(today.Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
	f = base
	f.Breach, f.From, f.Sort = true, d.BreachesFrom, SortReceivedDesc
	if d.Breaches, d.BreachesTotal, err = s.ListForStaff(ctx, f); err != nil {
		return nil, err
	}
	return &d, nil
}
