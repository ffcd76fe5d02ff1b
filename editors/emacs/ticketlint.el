;; ticketlint through Eglot (built into Emacs 29 and later)
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               '((markdown-mode text-mode) . ("ticketlint" "lsp"))))
(add-hook 'markdown-mode-hook #'eglot-ensure)
