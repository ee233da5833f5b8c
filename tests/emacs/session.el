;;; session.el --- a scripted eglot session in batch Emacs (tests/e2e/test_emacs.py)  -*- lexical-binding: t -*-
;; Run after the user's init (the README's snippet, loaded verbatim):
;;   emacs --batch --eval (package-activate-all) -l INIT -l session.el
;; Environment: RHO_FILE the file to open, HOVER_LINE/HOVER_COL (1-based line, 0-based
;; column in characters) of a name to hover and jump from, OUT where the JSON result goes.
;; Every wait is bounded and on a condition; Emacs runs timers and reads the server's
;; output while it waits in `accept-process-output'.

(require 'json)
(require 'subr-x)

(defvar session-result (list (cons 'emacs emacs-version)))
(defvar session-timeout 30.0)

(defun session-put (key value)
  (push (cons key value) session-result))

(defun session-wait (what predicate)
  "Wait for PREDICATE (bounded); record an error naming WHAT on timeout."
  (let ((deadline (+ (float-time) session-timeout)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or (funcall predicate)
        (progn (session-put 'error (format "timed out waiting for %s" what)) nil))))

(defun session-finish ()
  (with-temp-file (getenv "OUT")
    (insert (json-encode session-result)))
  (kill-emacs 0))

(condition-case err
    (progn
      (find-file (getenv "RHO_FILE"))
      (session-put 'major_mode (symbol-name major-mode))
      (session-put 'indent_tabs_mode (if indent-tabs-mode t :json-false))
      (session-put 'tab_width tab-width)
      ;; eglot-ensure connects at the end of the current command: end one, as the
      ;; command loop would after the file was opened.
      (run-hooks 'post-command-hook)
      (when (session-wait "eglot to connect"
                          (lambda () (and (fboundp 'eglot-current-server) (eglot-current-server))))
        (let ((server (eglot-current-server)))
          (session-put 'server_command (process-command (jsonrpc--process server)))
          (session-put 'server_name (plist-get (eglot--server-info server) :name))
          (session-put 'project_root (expand-file-name (project-root (eglot--project server))))
          (when (session-wait "diagnostics" (lambda () (flymake-diagnostics)))
            (session-put 'diagnostics
                         (mapcar (lambda (d)
                                   (save-excursion
                                     (goto-char (flymake-diagnostic-beg d))
                                     (list (cons 'line (line-number-at-pos))
                                           (cons 'col (current-column))
                                           (cons 'type (symbol-name (flymake-diagnostic-type d)))
                                           (cons 'text (flymake-diagnostic-text d)))))
                                 (flymake-diagnostics))))
          (goto-char (point-min))
          (forward-line (1- (string-to-number (getenv "HOVER_LINE"))))
          (forward-char (string-to-number (getenv "HOVER_COL")))
          (let ((hover (jsonrpc-request server :textDocument/hover
                                        (eglot--TextDocumentPositionParams))))
            (session-put 'hover (plist-get (plist-get hover :contents) :value)))
          ;; M-. : xref through eglot, then where point lands
          (let* ((xrefs (xref-backend-definitions
                         'eglot (xref-backend-identifier-at-point 'eglot)))
                 (loc (xref-item-location (car xrefs))))
            (session-put 'definition_count (length xrefs))
            (session-put 'definition_line (xref-location-line loc))
            (let ((marker (xref-location-marker loc)))
              (with-current-buffer (marker-buffer marker)
                (goto-char marker)
                (session-put 'definition_col (current-column)))))
          (eglot-shutdown server)
          (session-put 'shutdown t))))
  (error (session-put 'error (format "%S" err))))
(session-finish)
