package ratelimit

import (
	"errors"
	"testing"
	"time"
)

func TestCountersAndArrays(t *testing.T) {
	now := time.Date(2026, 11, 30, 11, 59, 30, 0, time.UTC)
	c := At("sign:ip:2001:db8::1", time.Minute, 30, now)
	if c.ID != "sign:ip:2001:db8::1|1m0s|"+"1796039940" || !c.Ends.Equal(now.Add(30*time.Second)) || c.Max != 30 {
		t.Fatalf("counter: %+v", c)
	}
	var over *Over
	if err := Check([]Counter{c, c}, []int{30, 31}); !errors.As(err, &over) || !over.Until.Equal(c.Ends) {
		t.Fatalf("31 of 30: want *Over, got %v", err)
	}
	if err := Check([]Counter{c}, []int{30}); err != nil {
		t.Fatalf("30 of 30: %v", err)
	}
	if got, want := Array([]string{`a"b`, `c\d`, c.ID}), `{"a\"b","c\\d","sign:ip:2001:db8::1|1m0s|1796039940"}`; got != want {
		t.Fatalf("array literal %s, want %s", got, want)
	}
}
