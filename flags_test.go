package seccomp

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFilterFlags(t *testing.T) {
	assert.Equal(t, "TSYNC|LOG", (FlagTSync | FlagLog).String())
	assert.Equal(t, "NEW_LISTENER|0x80", (FlagNewListener | 0x80).String())
	assert.Equal(t, "5.7", FlagTSyncESRCH.Since())
	assert.Equal(t, "", (FlagTSync | FlagLog).Since())
	assert.Len(t, AllFilterFlags(), 6)
	for _, f := range AllFilterFlags() {
		assert.NotEmpty(t, f.Since(), "%v", f)
	}
	assert.Contains(t, checkFlagCombination(FlagTSync|FlagNewListener), "TSYNC_ESRCH")
	assert.Empty(t, checkFlagCombination(FlagTSync|FlagNewListener|FlagTSyncESRCH))
	assert.Contains(t, checkFlagCombination(FlagWaitKillableRecv), "NEEDS NEW_LISTENER"[6:])
	assert.Contains(t, checkFlagCombination(1<<6), "unknown")
	assert.Equal(t, "5.0", ActionSince(ActUserNotif))
	assert.Equal(t, "3.5", ActionSince(Errno(3)))
	assert.Equal(t, "", ActionSince(0x10000000))
	assert.Len(t, AllActions(), 8)
}
