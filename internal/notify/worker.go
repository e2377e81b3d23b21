package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// sendArgs is the job that sends one outbox message.
type sendArgs struct {
	MessageID int64 `json:"message_id"`
}

func (sendArgs) Kind() string { return "send_email" }

// InsertOpts: with River's backoff (attempt⁴ seconds) 12 attempts keep trying for about a day and a
// half, long enough to outlast an SMTP outage; after that the message shows as failed to staff.
func (sendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

type sendWorker struct {
	river.WorkerDefaults[sendArgs]
	s *Service
}

// Work renders and sends the message. A message already marked sent is skipped, so a job that runs
// again (rescued after a crash between the SMTP answer and the commit) does not normally send twice;
// the stable Message-ID lets mail clients fold the rare duplicate. Once the SMTP server has answered,
// the outcome is recorded on a context of its own (recordTimeout): a stop or the job's timeout arriving
// at that moment must not turn a delivered message into a failed job that sends it again.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[sendArgs]) error {
	s := w.s
	var m Message
	err := s.db.WithContext(ctx).Take(&m, job.Args.MessageID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return river.JobCancel(errNoMessage)
	}
	if err != nil {
		return err
	}
	if m.Status == StatusSent {
		return nil
	}
	email, err := s.compose(ctx, m)
	if err != nil {
		// A template that cannot render will not render on retry either.
		s.markFailed(ctx, m.ID, err, true)
		return river.JobCancel(err)
	}
	if err := s.opts.Mailer.Send(ctx, email); err != nil {
		final := job.Attempt >= job.MaxAttempts
		s.markFailed(ctx, m.ID, err, final)
		return fmt.Errorf("send e-mail %d: %w", m.ID, err)
	}
	rctx, cancel := recordContext(ctx)
	defer cancel()
	now := time.Now().UTC()
	return s.db.WithContext(rctx).Model(&Message{}).Where("id = ?", m.ID).
		Updates(map[string]any{"status": StatusSent, "sent_at": now, "attempts": gorm.Expr("attempts + 1"), "last_error": ""}).Error
}

// recordContext is for recording what the SMTP server answered: it outlives the job's context (see
// Work) for at most recordTimeout.
func recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
}

func (s *Service) markFailed(ctx context.Context, id int64, cause error, final bool) {
	ctx, cancel := recordContext(ctx)
	defer cancel()
	upd := map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_error": truncate(cause.Error(), 500)}
	if final {
		upd["status"] = StatusFailed
	}
	if err := s.db.WithContext(ctx).Model(&Message{}).Where("id = ?", id).Updates(upd).Error; err != nil {
		s.opts.Log.Error("recording a failed e-mail", "message_id", id, "err", err)
	}
	s.opts.Log.Warn("e-mail not sent", "message_id", id, "final", final, "err", cause)
}

// compose renders a message in its language, with its files.
func (s *Service) compose(ctx context.Context, m Message) (Email, error) {
	data := map[string]any{}
	if err := json.Unmarshal([]byte(m.Data), &data); err != nil {
		return Email{}, fmt.Errorf("message data: %w", err)
	}
	var files []mailAttachment
	if err := s.db.WithContext(ctx).Where("message_id = ?", m.ID).Order("id").Find(&files).Error; err != nil {
		return Email{}, fmt.Errorf("message files: %w", err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.FileName)
	}
	data["Attached"] = names
	data["Council"] = s.opts.Council.In(m.Lang)
	data["UnsubscribeURL"] = ""
	if k, ok := kindByName(m.Kind); ok && k.Optional && m.PersonID != nil {
		data["UnsubscribeURL"] = s.opts.BaseURL.JoinPath("/notices/unsubscribe").String() + "?token=" + s.UnsubscribeToken(*m.PersonID, m.Kind)
	}
	subject, text, html, err := s.render.render(m.Kind, m.Lang, data)
	if err != nil {
		return Email{}, err
	}
	e := Email{To: m.ToAddress, Subject: subject, Text: text, HTML: html,
		MessageID: fmt.Sprintf("hromada-%d@%s", m.ID, s.hostname)}
	for _, f := range files {
		e.Attachments = append(e.Attachments, Attachment{Name: f.FileName, ContentType: f.ContentType, Data: f.Content})
	}
	if u, _ := data["UnsubscribeURL"].(string); u != "" {
		e.Unsubscribe = u
	}
	return e, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
