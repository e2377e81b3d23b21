package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// PeriodicTask is background upkeep another package needs (refreshing petition counts, closing expired
// petitions). Only the queue's leader schedules it, so with several instances it still runs once.
type PeriodicTask struct {
	Every time.Duration
	Run   func(ctx context.Context) error
}

// AddPeriodic registers a task; call it before Start.
func (s *Service) AddPeriodic(name string, t PeriodicTask) {
	s.fanouts.mu.Lock()
	defer s.fanouts.mu.Unlock()
	if s.periodic == nil {
		s.periodic = map[string]PeriodicTask{}
	}
	s.periodic[name] = t
}

func (s *Service) schedulePeriodic() {
	s.fanouts.mu.RLock()
	defer s.fanouts.mu.RUnlock()
	for name, t := range s.periodic {
		args := periodicArgs{Name: name}
		s.queue.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(t.Every),
			func() (river.JobArgs, *river.InsertOpts) {
				// Unique per period: a change of leader does not run the task twice in one period.
				return args, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: t.Every}}
			}, &river.PeriodicJobOpts{RunOnStart: true, ID: "periodic_" + name}))
	}
}

type periodicArgs struct {
	Name string `json:"name"`
}

func (periodicArgs) Kind() string { return "periodic_task" }

type periodicWorker struct {
	river.WorkerDefaults[periodicArgs]
	s *Service
}

func (w *periodicWorker) Work(ctx context.Context, job *river.Job[periodicArgs]) error {
	w.s.fanouts.mu.RLock()
	t, ok := w.s.periodic[job.Args.Name]
	w.s.fanouts.mu.RUnlock()
	if !ok {
		return river.JobCancel(fmt.Errorf("no periodic task named %q", job.Args.Name))
	}
	return t.Run(ctx)
}
