package calendar

import (
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func load(t *testing.T, martialLaw bool) *Calendar {
	t.Helper()
	c, err := Load(martialLaw)
	if err != nil {
		t.Fatal(err)
	}
	if c.MartialLaw() != martialLaw {
		t.Fatalf("MartialLaw() = %v, want %v", c.MartialLaw(), martialLaw)
	}
	return c
}

func TestOrthodoxEaster(t *testing.T) {
	for _, tc := range []struct {
		year int
		want string
	}{
		{2016, "2016-05-01"},
		{2021, "2021-05-02"},
		{2022, "2022-04-24"},
		{2023, "2023-04-16"},
		{2024, "2024-05-05"},
		{2025, "2025-04-20"},
		{2026, "2026-04-12"},
	} {
		if got := OrthodoxEaster(tc.year); !got.Equal(date(tc.want)) || got.Weekday() != time.Sunday {
			t.Errorf("OrthodoxEaster(%d) = %s (%s), want %s", tc.year, got.Format(time.DateOnly), got.Weekday(), tc.want)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	peace, war := load(t, false), load(t, true)
	for _, tc := range []struct {
		day        string
		peace, war bool
		why        string
	}{
		{"2024-03-15", true, true, "an ordinary Friday"},
		{"2024-03-16", false, false, "Saturday"},
		{"2024-03-17", false, false, "Sunday"},
		{"2024-05-01", false, true, "Labour Day, a Wednesday"},
		{"2024-05-06", false, true, "Monday after Easter 5 May, carried over"},
		{"2024-05-08", false, true, "Day of Remembrance and Victory, a Wednesday"},
		{"2024-05-09", true, true, "9 May is no longer a holiday"},
		{"2024-07-15", false, true, "Statehood Day, a Monday"},
		{"2024-07-29", true, true, "28 July no longer carried over"},
		{"2024-08-26", false, true, "Independence Day on Saturday 24 August, carried over to Monday"},
		{"2024-10-01", false, true, "Defenders' Day, a Tuesday"},
		{"2024-10-14", true, true, "14 October is no longer a holiday"},
		{"2024-12-25", false, true, "Christmas, a Wednesday"},
		{"2024-01-07", false, false, "7 January 2024 is a Sunday and no holiday"},
		{"2024-01-08", true, true, "no carry-over for 7 January 2024"},
		{"2023-01-09", false, true, "7 January 2023 (Saturday) still a holiday, carried to Monday"},
		{"2021-05-03", false, true, "1 May 2021 on Saturday, carried to Monday"},
		{"2021-05-04", false, true, "Easter 2 May 2021, carried to Tuesday as Monday was taken"},
		{"2021-05-05", true, true, "an ordinary Wednesday"},
		{"2021-05-10", false, true, "9 May 2021 on Sunday, carried to Monday"},
		{"2016-05-03", false, true, "1 May 2016 is Easter and Labour Day on one Sunday: one day carried (2 May is a holiday)"},
		{"2016-05-04", true, true, "two holidays on one weekend day carry one day off"},
	} {
		if got := peace.IsWorkingDay(date(tc.day)); got != tc.peace {
			t.Errorf("peace: IsWorkingDay(%s) = %v, want %v (%s)", tc.day, got, tc.peace, tc.why)
		}
		if got := war.IsWorkingDay(date(tc.day)); got != tc.war {
			t.Errorf("martial law: IsWorkingDay(%s) = %v, want %v (%s)", tc.day, got, tc.war, tc.why)
		}
	}
}

func TestIsWorkingDayUsesOwnLocation(t *testing.T) {
	c := load(t, false)
	kyiv := time.FixedZone("EET", 2*3600)
	// Saturday 00:30 in Kyiv is still Friday in UTC: the local date decides.
	if c.IsWorkingDay(time.Date(2024, 3, 16, 0, 30, 0, 0, kyiv)) {
		t.Fatal("Saturday in its own location read as a working day")
	}
	got := c.AddWorkingDays(time.Date(2024, 3, 15, 23, 30, 0, 0, kyiv), 1)
	if !got.Equal(date("2024-03-18")) || got.Location() != time.UTC {
		t.Fatalf("AddWorkingDays from a late Friday: %v", got)
	}
}

func TestAddWorkingDays(t *testing.T) {
	peace, war := load(t, false), load(t, true)
	for _, tc := range []struct {
		from       string
		n          int
		peace, war string
	}{
		{"2024-03-13", 0, "2024-03-13", "2024-03-13"},
		{"2024-03-16", 0, "2024-03-16", "2024-03-16"}, // n=0 returns the date even on a weekend
		{"2024-03-15", 1, "2024-03-18", "2024-03-18"}, // Friday over the weekend
		{"2024-03-16", 1, "2024-03-18", "2024-03-18"}, // from Saturday
		{"2024-03-14", 2, "2024-03-18", "2024-03-18"}, // moderation from a Thursday
		{"2024-03-13", 10, "2024-03-27", "2024-03-27"},
		{"2021-03-05", 1, "2021-03-09", "2021-03-08"}, // Friday before 8 March, a Monday
		{"2021-06-25", 1, "2021-06-29", "2021-06-28"}, // Friday before Constitution Day, a Monday
		{"2021-04-30", 1, "2021-05-05", "2021-05-03"}, // over 1 May and Easter carried to 3 and 4 May
		{"2024-08-23", 1, "2024-08-27", "2024-08-26"}, // 24 August 2024 (Saturday) carried over only in peace
		{"2024-04-30", 2, "2024-05-03", "2024-05-02"}, // 1 May 2024, a Wednesday
		{"2024-12-20", 10, "2025-01-07", "2025-01-03"},
		{"2024-03-18", -1, "2024-03-15", "2024-03-15"}, // counting back
	} {
		if got := peace.AddWorkingDays(date(tc.from), tc.n); !got.Equal(date(tc.peace)) {
			t.Errorf("peace: AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got.Format(time.DateOnly), tc.peace)
		}
		if got := war.AddWorkingDays(date(tc.from), tc.n); !got.Equal(date(tc.war)) {
			t.Errorf("martial law: AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, got.Format(time.DateOnly), tc.war)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := load(t, false)
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2024-03-15", "2024-03-15", 0},
		{"2024-03-18", "2024-03-15", 0},
		{"2024-03-15", "2024-03-18", 1},
		{"2024-03-15", "2024-03-17", 0},
		{"2021-04-30", "2021-05-05", 1},
	} {
		if got := c.WorkingDaysBetween(date(tc.from), date(tc.to)); got != tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}

// The two counts must agree everywhere, or a deadline computed one way disagrees with a count the
// other way: every day of two years, both regimes, 0..15 working days.
func TestAddAndBetweenAgree(t *testing.T) {
	for _, martial := range []bool{false, true} {
		c := load(t, martial)
		for _, y := range []int{2021, 2024} {
			for d := date("2021-01-01").AddDate(y-2021, 0, 0); d.Year() == y; d = d.AddDate(0, 0, 1) {
				for n := 0; n <= 15; n++ {
					end := c.AddWorkingDays(d, n)
					if got := c.WorkingDaysBetween(d, end); got != n {
						t.Fatalf("martial=%v: WorkingDaysBetween(%s, AddWorkingDays(%s, %d)=%s) = %d",
							martial, d.Format(time.DateOnly), d.Format(time.DateOnly), n, end.Format(time.DateOnly), got)
					}
					if n > 0 && !c.IsWorkingDay(end) {
						t.Fatalf("martial=%v: AddWorkingDays(%s, %d) = %s is not a working day", martial, d.Format(time.DateOnly), n, end.Format(time.DateOnly))
					}
					if back := c.AddWorkingDays(end, -n); n > 0 && c.IsWorkingDay(d) && !back.Equal(d) {
						t.Fatalf("martial=%v: back from %s by %d gives %s, want %s", martial, end.Format(time.DateOnly), n, back.Format(time.DateOnly), d.Format(time.DateOnly))
					}
				}
			}
		}
	}
}

func TestHolidays(t *testing.T) {
	c := load(t, false)
	var got []string
	for _, h := range c.Holidays(2024) {
		got = append(got, h.String())
	}
	want := []string{
		"2024-01-01 New Year's Day",
		"2024-03-08 International Women's Day",
		"2024-05-01 Labour Day",
		"2024-05-05 Easter",
		"2024-05-06 Easter (carried over)",
		"2024-05-08 Day of Remembrance and Victory over Nazism in World War II 1939–1945",
		"2024-06-23 Trinity Sunday",
		"2024-06-24 Trinity Sunday (carried over)",
		"2024-06-28 Constitution Day",
		"2024-07-15 Ukrainian Statehood Day",
		"2024-08-24 Independence Day",
		"2024-08-26 Independence Day (carried over)",
		"2024-10-01 Defenders' Day",
		"2024-12-25 Christmas",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Holidays(2024):\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, h := range c.Holidays(2016) {
		if h.Date.Equal(date("2016-05-01")) && h.NameEN != "Easter; International Workers' Solidarity Day" {
			t.Errorf("two holidays on one date should share the entry, got %q", h.NameEN)
		}
	}
	if h := load(t, true).Holidays(2024); h == nil || len(h) != 0 {
		t.Fatalf("martial law: Holidays(2024) = %v, want empty", h)
	}
}

func TestParseRejectsBrokenData(t *testing.T) {
	head := `{"source": "s", "carry_over_weekend": true, "holidays": [`
	for _, tc := range []struct{ name, holidays string }{
		{"unknown key", `{"id": "a", "uk": "а", "en": "a", "month": 1, "day": 1, "form_year": 2020, "source": "s"}`},
		{"no name", `{"id": "a", "uk": "", "en": "a", "month": 1, "day": 1, "source": "s"}`},
		{"no source", `{"id": "a", "uk": "а", "en": "a", "month": 1, "day": 1}`},
		{"no such day", `{"id": "a", "uk": "а", "en": "a", "month": 2, "day": 30, "source": "s"}`},
		{"two kinds", `{"id": "a", "uk": "а", "en": "a", "month": 1, "day": 1, "easter_offset": 0, "source": "s"}`},
		{"no kind", `{"id": "a", "uk": "а", "en": "a", "source": "s"}`},
		{"bad date", `{"id": "a", "uk": "а", "en": "a", "date": "2024-13-01", "source": "s"}`},
		{"years reversed", `{"id": "a", "uk": "а", "en": "a", "month": 1, "day": 1, "from_year": 2024, "to_year": 2023, "source": "s"}`},
		{"repeated id", `{"id": "a", "uk": "а", "en": "a", "month": 1, "day": 1, "source": "s"}, {"id": "a", "uk": "б", "en": "b", "month": 1, "day": 2, "source": "s"}`},
		{"empty list", ``},
	} {
		if _, err := parse([]byte(head+tc.holidays+`]}`), false); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	ok := head + `{"id": "a", "uk": "а", "en": "a", "date": "2024-03-20", "source": "s"}]}`
	c, err := parse([]byte(ok), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(date("2024-03-20")) || !c.IsWorkingDay(date("2025-03-20")) {
		t.Fatal("a dated entry should be off on its date only")
	}
}
