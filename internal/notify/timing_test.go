package notify

import (
	"testing"
	"time"
)

// The durations that keep a message from going twice and from waiting long after a crash depend on
// each other (see DefaultJobTimeout); a change to one must keep the chain.
func TestSendingTimingsAreChained(t *testing.T) {
	const (
		rescuerRound   = 30 * time.Second // River's JobRescuer interval, not configurable
		leaderElection = 15 * time.Second // River's leader TTL: a dead leader's successor takes over
		schedulerRound = 5 * time.Second  // River's scheduler moves the rescued job to available
		firstRetry     = 2 * time.Second  // attempt¹ seconds of backoff, jitter and a fetch
	)
	if SMTPSendLimit+recordTimeout >= DefaultJobTimeout {
		t.Errorf("a send and its record (%v + %v) must end within the job timeout %v", SMTPSendLimit, recordTimeout, DefaultJobTimeout)
	}
	if DefaultJobTimeout >= DefaultRescueStuckJobsAfter {
		t.Errorf("the rescue (%v) must not take a job that may still run (%v)", DefaultRescueStuckJobsAfter, DefaultJobTimeout)
	}
	if SMTPSendLimit >= DefaultSoftStopTimeout {
		t.Errorf("a stop (%v) must outlast a send that started before it (%v)", DefaultSoftStopTimeout, SMTPSendLimit)
	}
	if worst := DefaultRescueStuckJobsAfter + rescuerRound + leaderElection + schedulerRound + firstRetry; worst >= 5*time.Minute {
		t.Errorf("a send cut off by a crash may wait %v, the promise is under 5 minutes", worst)
	}
}
