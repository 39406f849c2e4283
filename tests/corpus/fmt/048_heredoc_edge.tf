locals {
  a = <<EOT
EOT
  b = <<-EOT
  EOT
  c = <<EOT
  ${upper("x")}
EOT
  d = "after"
  e = upper(<<EOT
inside call
EOT
  )
}
