package calendar

import "time"

// Clock tells the time in the council's zone. A council's day runs in its zone, but its dates ("today",
// a due date, the day an appeal was received) are held as midnight UTC of that calendar day: the same
// date is then the same value whoever reads it, compares with ==, and goes into a DATE column unshifted.
// Services take a Clock so tests can move time; every "what day is it for the council" goes through one.
type Clock struct {
	zone *time.Location
	now  func() time.Time
}

// NewClock is the clock of the council's zone; now nil reads the system clock.
func NewClock(zone *time.Location, now func() time.Time) Clock {
	if now == nil {
		now = time.Now
	}
	return Clock{zone: zone, now: now}
}

// Zone is the council's time zone.
func (c Clock) Zone() *time.Location { return c.zone }

// Now is the current instant, in UTC.
func (c Clock) Now() time.Time { return c.now().UTC() }

// Today is the council's date now.
func (c Clock) Today() time.Time { return c.Date(c.now()) }

// Date is the council's date of the instant t.
func (c Clock) Date(t time.Time) time.Time { return dateOf(t.In(c.zone)) }

// DayStart is the instant the council's day begins that is days after the calendar date d (only d's year,
// month and day are read, so a date held as midnight UTC and a time in any zone both work).
func (c Clock) DayStart(d time.Time, days int) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day+days, 0, 0, 0, 0, c.zone).UTC()
}
