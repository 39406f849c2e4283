locals {
  policy = <<EOT
{
  "a": 1
}
EOT
  other=2 # c
}
