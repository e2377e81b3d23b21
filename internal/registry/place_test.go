package registry_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/hromada/hromada/internal/dbtest"
	"github.com/hromada/hromada/internal/registry"
	"github.com/hromada/hromada/internal/settlement"
)

// The problem's place is checked with the rest of the content (both coordinates, within range), stored
// with the appeal, its settlement matched apart from the author's; the public list reads only appeals
// reported under a service, by service, time and open or closed.
func TestPlaceAndServiceRequests(t *testing.T) {
	gdb := dbtest.Open(t)
	reg, _ := newRegistry(t, gdb, registry.Options{IndexPattern: "{letter}-{seq}/{yy}"})
	ctx := context.Background()
	places := settlement.NewService(gdb, nil)
	village, err := places.Create(ctx, settlement.Input{NameUK: "Зелене"})
	if err != nil {
		t.Fatal(err)
	}
	f := func(v float64) *float64 { return &v }
	for name, p := range map[string]registry.Place{
		"half a point":   {Latitude: f(50)},
		"latitude 91":    {Latitude: f(91), Longitude: f(30)},
		"longitude -181": {Latitude: f(50), Longitude: f(-181)},
		"not a number":   {Latitude: f(math.NaN()), Longitude: f(30)},
	} {
		in := staffInput(1, "email")
		in.RegisteredBy, in.Place, in.ServiceCode = nil, p, "roads"
		if fields := fieldsOf(t, reg.Check(in)); fields["place"] != "appeal.error.place_coordinates" {
			t.Errorf("%s: %v", name, fields)
		}
	}
	in := staffInput(1, "email")
	in.RegisteredBy, in.ServiceCode = nil, "roads"
	in.Place = registry.Place{Latitude: f(50.45), Longitude: f(30.52), Address: "Зелене, біля ставка"}
	a, err := reg.RegisterAppeal(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if a.PlaceSettlementID == nil || *a.PlaceSettlementID != village.ID || a.SettlementID != nil {
		t.Errorf("settlements: place %v, author %v", a.PlaceSettlementID, a.SettlementID)
	}
	other := staffInput(1, "email") // not reported under a service: not public
	other.RegisteredBy = nil
	if _, err := reg.RegisterAppeal(ctx, other); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for name, c := range map[string]struct {
		f    registry.RequestFilter
		want int
	}{
		"all":            {registry.RequestFilter{}, 1},
		"by service":     {registry.RequestFilter{ServiceCodes: []string{"roads"}}, 1},
		"other service":  {registry.RequestFilter{ServiceCodes: []string{"lights"}}, 0},
		"open":           {registry.RequestFilter{Open: true}, 1},
		"closed":         {registry.RequestFilter{Closed: true}, 0},
		"in the window":  {registry.RequestFilter{From: now.Add(-time.Hour), To: now.Add(time.Hour)}, 1},
		"before it":      {registry.RequestFilter{To: now.Add(-time.Hour)}, 0},
		"by id":          {registry.RequestFilter{IDs: []int64{a.ID, a.ID + 1}}, 1},
		"by id, limited": {registry.RequestFilter{IDs: []int64{a.ID}, Limit: 1}, 1},
	} {
		list, err := reg.ServiceRequests(ctx, c.f)
		if err != nil || len(list) != c.want {
			t.Errorf("%s: %d (%v), want %d", name, len(list), err, c.want)
		}
	}
	sr, err := reg.ServiceRequestByID(ctx, a.ID)
	if err != nil || sr.PlaceAddress != "Зелене, біля ставка" || *sr.PlaceLatitude != 50.45 || sr.Closed() {
		t.Errorf("by id: %+v %v", sr, err)
	}
	if _, err := reg.ServiceRequestByID(ctx, a.ID+1); err == nil {
		t.Error("an appeal not reported under a service is public")
	}
}
