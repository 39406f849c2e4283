locals {
  items = ["a", "b"]
  text  = <<-EOT
    %{ for i in local.items ~}
    item ${i}
    %{ endfor ~}
  EOT
}
output "text" {
  value = local.text
}
