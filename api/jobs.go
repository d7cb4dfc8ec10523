package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"tian"
)

// Job is long work the service does after answering: an import, a
// retraining. Its state is kept in memory (the last maxJobs jobs); what
// it commits is in the store, so a restart loses only the record of it.
type Job struct {
	ID       string         `json:"id"`
	Kind     string         `json:"kind"`  // import, train
	State    string         `json:"state"` // running, done, failed
	Actor    string         `json:"actor"`
	Steps    []string       `json:"steps"` // progress, in the office's words
	Done     int            `json:"done"`  // rows processed, when known
	Total    int            `json:"total"`
	Started  time.Time      `json:"started"`
	Finished *time.Time     `json:"finished,omitempty"`
	Result   any            `json:"result,omitempty"`
	Error    *ErrorResponse `json:"error,omitempty"`
}

// Job states.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

const maxJobs = 100

// jobs is the registry of recent jobs.
type jobs struct {
	log   *slog.Logger // where a job's panic is told
	mu    sync.Mutex
	byID  map[string]*Job
	order []string
	done  map[string]chan struct{}
}

func newJobs(log *slog.Logger) *jobs {
	return &jobs{log: log, byID: map[string]*Job{}, done: map[string]chan struct{}{}}
}

// run runs a job's work; a panic in it fails the job as an internal error
// (logged with its stack) instead of taking the service down: it runs on
// a goroutine of its own, which no request's recovery covers.
func (j *jobs) run(ctx context.Context, id string, work func(context.Context, progress) (any, error)) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			j.log.Error("job panicked", "job", id, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			res, err = nil, tian.Errorf(tian.EINTERNAL, "服务内部错误，已记录；请把任务编号 %s 告诉管理员", id)
		}
	}()
	return work(ctx, progress{j, id})
}

// progress is what a running job reports through.
type progress struct {
	j  *jobs
	id string
}

func (p progress) step(s string) {
	p.j.update(p.id, func(job *Job) { job.Steps = append(job.Steps, s) })
}

func (p progress) rows(done, total int) {
	p.j.update(p.id, func(job *Job) { job.Done, job.Total = done, total })
}

// start runs work in the background under its own deadline (the
// request's may be long gone) and returns a copy of the job as it starts
// (the running job changes under the registry's lock only) and a channel
// closed when it ends.
func (j *jobs) start(kind, actor string, timeout time.Duration, work func(ctx context.Context, p progress) (any, error)) (Job, <-chan struct{}) {
	var b [8]byte
	rand.Read(b[:])
	job := &Job{ID: hex.EncodeToString(b[:]), Kind: kind, State: JobRunning, Actor: actor, Steps: []string{}, Started: time.Now()}
	first := *job
	done := make(chan struct{})
	j.mu.Lock()
	j.byID[job.ID], j.done[job.ID] = job, done
	j.order = append(j.order, job.ID)
	for len(j.order) > maxJobs {
		old := j.order[0]
		if j.byID[old].State == JobRunning {
			break
		}
		delete(j.byID, old)
		delete(j.done, old)
		j.order = j.order[1:]
	}
	j.mu.Unlock()
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		res, err := j.run(ctx, job.ID, work)
		j.update(job.ID, func(job *Job) {
			now := time.Now()
			job.Finished, job.Result, job.State = &now, res, JobDone
			if err != nil {
				job.State = JobFailed
				job.Error = &ErrorResponse{Code: tian.ErrorCode(err), Message: tian.ErrorMessage(err)}
			}
		})
	}()
	return first, done
}

func (j *jobs) update(id string, f func(*Job)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if job, ok := j.byID[id]; ok {
		f(job)
	}
}

// get returns a copy of a job.
func (j *jobs) get(id string) (Job, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job, ok := j.byID[id]
	if !ok {
		return Job{}, false
	}
	cp := *job
	cp.Steps = append([]string{}, job.Steps...)
	return cp, true
}

// latest returns a copy of the newest job of a kind.
func (j *jobs) latest(kind string) (Job, bool) {
	j.mu.Lock()
	var id string
	for i := len(j.order) - 1; i >= 0; i-- {
		if j.byID[j.order[i]].Kind == kind {
			id = j.order[i]
			break
		}
	}
	j.mu.Unlock()
	if id == "" {
		return Job{}, false
	}
	return j.get(id)
}

// list returns copies of the recent jobs, newest first.
func (j *jobs) list() []Job {
	j.mu.Lock()
	ids := append([]string{}, j.order...)
	j.mu.Unlock()
	out := []Job{}
	for i := len(ids) - 1; i >= 0; i-- {
		if job, ok := j.get(ids[i]); ok {
			out = append(out, job)
		}
	}
	return out
}

// waitOrAccept waits up to wait for a job: finished, it answers with
// respond; still running, it answers 202 with the job, which the client
// follows at Location.
func (s *Server) waitOrAccept(c *gin.Context, job Job, done <-chan struct{}, wait time.Duration, respond func(Job)) {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
		final, _ := s.jobs.get(job.ID)
		c.Header("X-Job-ID", job.ID)
		respond(final)
	case <-t.C:
		now, _ := s.jobs.get(job.ID)
		c.Header("Location", "/api/v1/jobs/"+job.ID)
		c.JSON(http.StatusAccepted, now)
	}
}

func (s *Server) getJob(c *gin.Context) {
	job, ok := s.jobs.get(c.Param("id"))
	if !ok {
		s.failf(c, tian.ENOTFOUND, "没有编号为 %s 的任务（服务重启后只保留已提交的结果）", c.Param("id"))
		return
	}
	c.JSON(http.StatusOK, job)
}

func (s *Server) listJobs(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"jobs": s.jobs.list()}) }
