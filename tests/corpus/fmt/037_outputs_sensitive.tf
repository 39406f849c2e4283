output "password" {
  value = random_password.p.result
  sensitive = true
  description = <<-EOT
    The generated password.
    Do not share.
  EOT
}
output "map" {
  value = {for k, v in aws_instance.x : k => v.id}
  depends_on = [
    aws_instance.x
  ]
}
