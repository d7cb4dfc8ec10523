package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"tian"
)

// upload is a file received for an import or its preview, saved to a
// temporary folder that remove deletes.
type upload struct {
	req tian.FileImport
	dir string
}

func (u upload) remove() { os.RemoveAll(u.dir) }

// receiveUpload saves the multipart field "file" and reads the import's
// options from the query (map=field=header, as the CLI's --map; strict,
// clear_absent, new_units, dry_run) and the reader's from form fields or
// the query (year, session, committee, sheet: as the CLI's --year,
// --session, --committee, --sheet; the office checks them, EINVALID). It
// answers the request itself when it returns false.
func (s *Server) receiveUpload(c *gin.Context) (upload, bool) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(c, err)
			return upload{}, false
		}
		s.failf(c, tian.EINVALID, "请以 multipart 表单字段 \"file\" 上传文件：%v", err)
		return upload{}, false
	}
	// the store and the index grow by a few times the file's size
	if err := s.Health.CheckSpace(4 * fh.Size); err != nil {
		s.fail(c, err)
		return upload{}, false
	}
	name := filepath.Base(fh.Filename)
	m, err := parseMapping(c.QueryArray("map"))
	if err != nil {
		s.fail(c, err)
		return upload{}, false
	}
	year := 0
	if y := strings.TrimSpace(formOrQuery(c, "year")); y != "" {
		if year, err = strconv.Atoi(y); err != nil {
			s.failf(c, tian.EINVALID, "年度须为四位数字的年份，如 2024，收到 %q", y)
			return upload{}, false
		}
	}
	dir, err := os.MkdirTemp("", "tian-upload-")
	if err != nil {
		s.fail(c, err)
		return upload{}, false
	}
	u := upload{dir: dir, req: tian.FileImport{Path: filepath.Join(dir, "upload"+filepath.Ext(name)), Name: name,
		Strict: c.Query("strict") == "true", ClearAbsent: c.Query("clear_absent") == "true", NewUnits: c.Query("new_units") == "true",
		AllProposals: c.Query("all_proposals") == "true",
		DryRun:       c.Query("dry_run") == "true", Sheet: strings.TrimSpace(formOrQuery(c, "sheet")), Year: year,
		Session: formOrQuery(c, "session"), Committee: formOrQuery(c, "committee"), Actor: actor(c)}}
	if len(m) > 0 {
		u.req.Map = m
	}
	if err := c.SaveUploadedFile(fh, u.req.Path); err != nil {
		u.remove()
		s.fail(c, err)
		return upload{}, false
	}
	return u, true
}

// formOrQuery is a multipart form field, or the query's value of the
// same name when the form has none.
func formOrQuery(c *gin.Context, name string) string {
	if v, ok := c.GetPostForm(name); ok {
		return v
	}
	return c.Query(name)
}

// previewImport reads an uploaded file as POST /api/v1/import would, with
// the same mapping, and answers the header, the column mapping, the first
// rows and a dry run; nothing is written. It runs as a job, as an import
// does: a large file's dry run answers 202 with the job to follow.
func (s *Server) previewImport(c *gin.Context) {
	u, ok := s.receiveUpload(c)
	if !ok {
		return
	}
	job, done := s.jobs.start("preview-import", u.req.Actor, s.Config.JobTimeout, func(ctx context.Context, p progress) (any, error) {
		defer u.remove()
		p.step("预览 " + u.req.Name)
		pv, err := s.Imports.Preview(ctx, u.req)
		if err != nil {
			return nil, err
		}
		pv.Report.Errors, pv.Report.Warnings = orEmpty(pv.Report.Errors), orEmpty(pv.Report.Warnings)
		return pv, nil
	})
	s.waitOrAccept(c, job, done, s.Config.ImportWait, func(j Job) {
		if j.Error != nil {
			s.fail(c, tian.Errorf(j.Error.Code, "%s", j.Error.Message))
			return
		}
		c.JSON(http.StatusOK, j.Result)
	})
}

// listImports answers the batches of the imports, newest first, a page
// at a time (offset, limit ≤ 500).
func (s *Server) listImports(c *gin.Context) {
	limit, ok := s.queryInt(c, "limit", 50)
	if !ok {
		return
	}
	offset, ok := s.queryInt(c, "offset", 0)
	if !ok {
		return
	}
	page, err := s.Imports.Batches(c.Request.Context(), offset, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"total": page.Total, "offset": page.Offset, "batches": orEmpty(page.Batches)})
}

// undoImport undoes a batch as a job, as an import runs: done within
// Config.ImportWait it answers 200 with what was removed and restored (409
// naming the proposals changed since and the later batches to undo
// first); a larger batch answers 202 with the job to follow.
func (s *Server) undoImport(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		s.failf(c, tian.EINVALID, "导入批次编号须为正整数，收到 %q", c.Param("id"))
		return
	}
	who := actor(c)
	job, done := s.jobs.start("undo-import", who, s.Config.JobTimeout, func(ctx context.Context, p progress) (any, error) {
		p.step(fmt.Sprintf("撤销第%d批导入", id))
		rep, err := s.Imports.UndoBatch(ctx, id, who)
		if err != nil {
			return nil, err
		}
		p.step(fmt.Sprintf("已撤销：删除%d件，恢复%d件", len(rep.Removed), len(rep.Restored)))
		return rep, nil
	})
	s.waitOrAccept(c, job, done, s.Config.ImportWait, func(j Job) {
		if j.Error != nil {
			s.fail(c, tian.Errorf(j.Error.Code, "%s", j.Error.Message))
			return
		}
		if rep, ok := j.Result.(*tian.UndoReport); ok && rep.Warning != "" {
			c.Header("X-Index-Status", "behind")
		}
		c.JSON(http.StatusOK, j.Result)
	})
}

// statsOf is the statistics of a year; with other, the records that are
// not proposals are counted too, when the reporter can (tian.OtherStats).
func (s *Server) statsOf(ctx context.Context, year int, other bool) (*tian.Stats, error) {
	if r, ok := s.Stats.(tian.OtherStats); ok && other {
		return r.StatsIncluding(ctx, year, true)
	}
	return s.Stats.Stats(ctx, year)
}
