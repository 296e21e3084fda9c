;;; fix-test.el --- headless test of hardline-eglot.el (run by run.sh)  -*- lexical-binding: t; -*-

;; Opens a manifest with the snippet loaded, waits for hardline's diagnostics
;; through flymake, applies the KS201 quick fix with eglot's own code action
;; command, and saves; run.sh checks the file on disk.

(defun hardline-test-fail (fmt &rest args)
  (message "FAIL: %s" (apply #'format fmt args))
  (kill-emacs 1))

(defun hardline-test-wait (what pred)
  (let ((deadline (+ (float-time) 20)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or (funcall pred) (hardline-test-fail "timed out waiting for %s" what))))

(defun hardline-test-diag (pattern)
  (seq-find (lambda (d) (string-match-p pattern (flymake-diagnostic-text d)))
            (flymake-diagnostics)))

(condition-case err
    (let ((dir (getenv "HARDLINE_WORKSPACE")))
      (load (expand-file-name "../hardline-eglot.el" (file-name-directory load-file-name)))
      (require 'yaml-mode)
      (setq-default eglot-workspace-configuration '(:hardline (:rules (:KS502 "off"))))
      (find-file (expand-file-name "deployment.yaml" dir))
      (unless (eq major-mode 'yaml-mode)
        (hardline-test-fail "major mode %s" major-mode))
      ;; eglot-ensure connects after the command that opened the file.
      (run-hooks 'post-command-hook)
      (hardline-test-wait "eglot to manage the buffer" (lambda () (bound-and-true-p eglot--managed-mode)))
      (hardline-test-wait "the KS201 diagnostic" (lambda () (hardline-test-diag "allowPrivilegeEscalation")))
      (when (hardline-test-diag "digest")
        (hardline-test-fail "KS502 is off in the workspace configuration"))
      (let ((d (hardline-test-diag "allowPrivilegeEscalation"))
            (titles nil))
        (goto-char (flymake-diagnostic-beg d))
        ;; As from the keyboard: eglot asks with completing-read, not a menu.
        (cl-letf ((last-nonmenu-event ?\r)
                  ((symbol-function 'completing-read)
                   (lambda (_prompt items &rest _)
                     (setq titles (mapcar #'car items))
                     "Set allowPrivilegeEscalation: false")))
          (eglot-code-actions (flymake-diagnostic-beg d) (flymake-diagnostic-end d) "quickfix" t))
        (unless (member "Set allowPrivilegeEscalation: false" titles)
          (hardline-test-fail "no KS201 fix among %S" titles)))
      (unless (save-excursion (goto-char (point-min)) (search-forward "allowPrivilegeEscalation: false" nil t))
        (hardline-test-fail "the fix did not reach the buffer"))
      ;; eglot sends the change when Emacs is idle, which it never is in
      ;; batch mode, or on save.
      (save-buffer)
      (hardline-test-wait "KS201 to go away"
                          (lambda () (and (flymake-diagnostics)
                                          (not (hardline-test-diag "allowPrivilegeEscalation")))))
      (let ((inhibit-message t)) (eglot-shutdown (eglot-current-server)))
      (kill-emacs 0))
  (error (hardline-test-fail "%S" err)))
