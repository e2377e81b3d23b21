package calendar

import (
	"testing"
	"time"
)

// The council's date is read in its zone: 23:30 UTC on 31 March is already 1 April in Kyiv (UTC+3 in
// summer), and the council's day starts at 21:00 UTC the evening before.
func TestClockReadsTheCouncilsZone(t *testing.T) {
	kyiv, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 3, 31, 23, 30, 0, 0, time.UTC)
	c := NewClock(kyiv, func() time.Time { return at })
	if got := c.Today(); !got.Equal(date("2024-04-01")) || got.Location() != time.UTC {
		t.Errorf("Today() = %v, want 2024-04-01 midnight UTC", got)
	}
	if got := c.Date(time.Date(2024, 1, 1, 0, 30, 0, 0, kyiv)); !got.Equal(date("2024-01-01")) {
		t.Errorf("Date of half past midnight in Kyiv = %v", got)
	}
	if got, want := c.DayStart(date("2024-04-01"), 0), time.Date(2024, 3, 31, 21, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DayStart(1 April) = %v, want %v", got, want)
	}
	// The day after 30 March starts before the clocks go forward, the next one after.
	if got, want := c.DayStart(date("2024-03-30"), 2), time.Date(2024, 3, 31, 21, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DayStart(30 March + 2) = %v, want %v", got, want)
	}
	if got := c.Now(); !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("Now() = %v", got)
	}
	if NewClock(kyiv, nil).Now().IsZero() {
		t.Error("a clock without a source reads nothing")
	}
}
