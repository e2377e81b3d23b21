package app_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/hromada/hromada/internal/apptest"
	"github.com/hromada/hromada/internal/notify"
)

// A send in progress when the program is asked to stop (SIGTERM) finishes instead of being cut off:
// the message is delivered once, marked sent, and its job completed, so nothing sends it again.
func TestStopLetsARunningSendFinish(t *testing.T) {
	s := apptest.Start(t, nil)
	s.Mail.SetDelay(3 * time.Second) // a slow server: three seconds to accept the message
	ctx := context.Background()
	err := s.App.DB.Transaction(func(tx *gorm.DB) error {
		return s.App.Notify.Notify(ctx, tx, notify.Notice{Kind: notify.AppealRegistered, To: "olena@mail.example",
			Lang: "uk", Path: "/appeals/1", Data: map[string]any{"Name": "Олена Шевченко", "Index": "Ш-1/24",
				"Received": "01.03.2024", "Due": "31.03.2024"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Mail.WaitForData(t, 1, 15*time.Second) // the message is at the server, waiting for its answer
	asked := time.Now()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(asked); waited > 20*time.Second {
		t.Errorf("the stop took %v", waited)
	}
	if n := len(s.Mail.Messages()); n != 1 {
		t.Fatalf("want the message delivered once, got %d", n)
	}
	var m notify.Message
	if err := s.App.DB.Take(&m).Error; err != nil {
		t.Fatal(err)
	}
	if m.Status != notify.StatusSent || m.Attempts != 1 || m.SentAt == nil {
		t.Fatalf("the outbox row after the stop: %+v", m)
	}
	var state string
	if err := s.App.DB.Raw("SELECT state FROM river_job WHERE kind = ?", "send_email").Scan(&state).Error; err != nil {
		t.Fatal(err)
	}
	if state != "completed" {
		t.Fatalf("the sending job is %q after the stop: it would run again", state)
	}
}
