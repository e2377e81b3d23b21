// Package reception keeps personal reception (особистий прийом, Art. 22 of the Law "Про звернення
// громадян"): the officials who receive citizens, their reception days on a published schedule (at the
// council or visiting a settlement of the community), each day cut into slots of a few places, the visits
// booked online, by staff for callers, or walk-in, and the reception journal whose outcome on the spot
// becomes an appeal in the registry. It owns the tables reception_officials, reception_days,
// reception_slots and reception_visits and every query on them.
package reception

import (
	"time"

	"github.com/hromada/hromada/internal/i18n"
)

// Visit statuses.
const (
	StatusBooked    = "booked"    // a place is held (or a walk-in waits to be received)
	StatusCancelled = "cancelled" // by the citizen, by staff, or with the reception day
	StatusReceived  = "received"  // received; the appeal made of it is AppealID
	StatusAbsent    = "absent"    // did not come
)

// Official is a person who holds receptions: the head of the community, deputies, heads of departments.
type Official struct {
	ID         int64
	Name       string
	PositionUK string `gorm:"column:position_uk"`
	PositionEN string `gorm:"column:position_en"`
	PersonID   *int64 // their staff account, when they have one: the author of their resolutions
	Active     bool
	CreatedAt  time.Time
}

// TableName is the table this package owns.
func (Official) TableName() string { return "reception_officials" }

// Position is the official's position in both languages.
func (o Official) Position() i18n.Text { return i18n.Text{UK: o.PositionUK, EN: o.PositionEN} }

// Day is one reception of one official: its date, hours and place.
type Day struct {
	ID           int64
	OfficialID   int64
	Date         time.Time `gorm:"column:day"` // the council's date, midnight UTC
	StartsAt     time.Time
	EndsAt       time.Time
	Place        string
	SettlementID *int64 // a visiting reception in this settlement; nil: at the council
	CancelledAt  *time.Time
	CancelReason string
	CreatedAt    time.Time
}

// TableName is the table this package owns.
func (Day) TableName() string { return "reception_days" }

// Cancelled says whether the day was called off.
func (d Day) Cancelled() bool { return d.CancelledAt != nil }

// Slot is a part of a reception day that holds up to Capacity visitors.
type Slot struct {
	ID       int64
	DayID    int64
	StartsAt time.Time
	Capacity int
	Taken    int
}

// TableName is the table this package owns.
func (Slot) TableName() string { return "reception_slots" }

// Free is the number of places left.
func (s Slot) Free() int { return max(0, s.Capacity-s.Taken) }

// Open are the slots that can still be booked at now: not begun, with a place left.
func Open(slots []Slot, now time.Time) []Slot {
	var out []Slot
	for _, sl := range slots {
		if sl.StartsAt.After(now) && sl.Free() > 0 {
			out = append(out, sl)
		}
	}
	return out
}

// Visit is one visitor of a reception day: booked for a slot, or walk-in (no slot).
type Visit struct {
	ID          int64
	DayID       int64
	SlotID      *int64
	PersonID    *int64 // the citizen's account, when booked online
	BookedBy    *int64 // the staff member who booked or wrote them in
	LastName    string
	FirstName   string
	Patronymic  string
	Address     string
	Phone       string
	Email       string
	SubjectCode string
	Question    string
	Status      string
	AppealID    *int64
	RemindedAt  *time.Time
	CreatedAt   time.Time
	CancelledAt *time.Time
	ReceivedAt  *time.Time
}

// TableName is the table this package owns.
func (Visit) TableName() string { return "reception_visits" }

// FullName is the visitor's name as the journal lists it.
func (v Visit) FullName() string {
	name := v.LastName + " " + v.FirstName
	if v.Patronymic != "" {
		name += " " + v.Patronymic
	}
	return name
}

// Models lists the tables this package owns, for the schema test.
func Models() []any { return []any{&Official{}, &Day{}, &Slot{}, &Visit{}} }
