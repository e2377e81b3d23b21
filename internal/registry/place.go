package registry

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/errs"
)

// Place is where the problem an appeal reports is: a point (both coordinates, WGS 84 degrees), an
// address as the reporter wrote it, or both. It is public (Open311 shows it), so it never holds the
// author's own address.
type Place struct {
	Latitude  *float64
	Longitude *float64
	Address   string
}

// maxServiceCode bounds a public service's code, as the Open311 services keep it.
const maxServiceCode = 40

// place checks the problem's place: a point has both coordinates within the Earth's ranges.
func (c *contentCheck) place() {
	p := c.in.Place
	lat, lon := p.Latitude, p.Longitude
	switch {
	case lat == nil && lon == nil:
	case lat == nil || lon == nil, !inRange(*lat, 90), !inRange(*lon, 180):
		c.add(fieldPlace, probCoordinates)
	}
	if utf8.RuneCountInString(p.Address) > maxAddressLen {
		c.addLimit(fieldPlaceAddress, probTooLong, maxAddressLen)
	}
	if utf8.RuneCountInString(c.in.ServiceCode) > maxServiceCode {
		c.addLimit(fieldServiceCode, probTooLong, maxServiceCode)
	}
}

func inRange(v, limit float64) bool { return !math.IsNaN(v) && v >= -limit && v <= limit }

// ServiceRequest is an appeal reported under a public service, as anyone may see it (Open311): what
// happens to it and where, never who wrote it, what they wrote, or how to reach them. The query reads
// only these columns, so nothing personal can slip out through a field added later to the card.
type ServiceRequest struct {
	ID                int64
	ServiceCode       string
	Status            string
	Result            string
	ReceivedAt        time.Time
	UpdatedAt         time.Time
	DueDate           time.Time
	AnsweredAt        *time.Time
	AnswerOutNumber   string
	ForwardedTo       string // the competent body's name: public, it is an authority
	PlaceAddress      string
	PlaceLatitude     *float64
	PlaceLongitude    *float64
	PlaceSettlementID *int64
}

// Closed says whether the appeal is removed from control: answered, forwarded, returned or left.
func (r ServiceRequest) Closed() bool { return isClosed(r.Status) }

func isClosed(status string) bool {
	for _, st := range Closed {
		if st == status {
			return true
		}
	}
	return false
}

// RequestFilter chooses service requests: by id (then nothing else counts), or by service, the time
// of receipt [From, To) and whether open or closed.
type RequestFilter struct {
	IDs          []int64
	ServiceCodes []string
	From, To     time.Time
	Open, Closed bool // both false: either
	Limit        int
}

var serviceRequestColumns = []string{"id", "service_code", "status", "result", "received_at", "updated_at", "due_date",
	"answered_at", "answer_out_number", "forwarded_to", "place_address", "place_latitude", "place_longitude",
	"place_settlement_id"}

// ServiceRequests lists the appeals reported under public services that the filter chooses, the
// newest first.
func (s *Service) ServiceRequests(ctx context.Context, f RequestFilter) ([]ServiceRequest, error) {
	q := s.db.WithContext(ctx).Table("appeals").Select(serviceRequestColumns).Where("service_code <> ''")
	if len(f.IDs) > 0 {
		q = q.Where("id IN ?", f.IDs)
	} else {
		if len(f.ServiceCodes) > 0 {
			q = q.Where("service_code IN ?", f.ServiceCodes)
		}
		if !f.From.IsZero() {
			q = q.Where("received_at >= ?", f.From.UTC())
		}
		if !f.To.IsZero() {
			q = q.Where("received_at < ?", f.To.UTC())
		}
		switch {
		case f.Open && !f.Closed:
			q = q.Where("status NOT IN ?", Closed)
		case f.Closed && !f.Open:
			q = q.Where("status IN ?", Closed)
		}
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var list []ServiceRequest
	if err := q.Order("received_at DESC, id DESC").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("list service requests: %w", err)
	}
	return list, nil
}

// ServiceRequestByID returns one appeal reported under a public service, or NotFound (also for an
// appeal that came another way: those are not public).
func (s *Service) ServiceRequestByID(ctx context.Context, id int64) (*ServiceRequest, error) {
	var r ServiceRequest
	err := s.db.WithContext(ctx).Table("appeals").Select(serviceRequestColumns).
		Where("id = ? AND service_code <> ''", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errs.New(errs.NotFound, "error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("a service request: %w", err)
	}
	return &r, nil
}
