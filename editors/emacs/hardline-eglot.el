;;; hardline-eglot.el --- hardline's language server through eglot  -*- lexical-binding: t; -*-

;; Load this file from your init file, or copy its three forms there:
;;
;;   (load "/path/to/hardline/editors/emacs/hardline-eglot.el")
;;
;; It needs eglot (built in since Emacs 29; the package `eglot' or Debian's
;; elpa-eglot before), yaml-mode and dockerfile-mode, and `hardline' on
;; `exec-path'.  Settings are the keys of .hardline.yaml, given through
;; eglot's workspace configuration, e.g. in .dir-locals.el:
;;
;;   ((nil . ((eglot-workspace-configuration
;;             . (:hardline (:profile "restricted" :rules (:KS301 "off")))))))
;;
;; eglot runs one server per major mode, so in these modes hardline takes the
;; place of another YAML or Dockerfile language server.

;;; Code:

(require 'eglot)

(add-to-list 'eglot-server-programs
             '((yaml-mode yaml-ts-mode dockerfile-mode dockerfile-ts-mode) . ("hardline" "lsp")))

(dolist (hook '(yaml-mode-hook yaml-ts-mode-hook dockerfile-mode-hook dockerfile-ts-mode-hook))
  (add-hook hook #'eglot-ensure))

(provide 'hardline-eglot)
;;; hardline-eglot.el ends here
