variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}
output "items" {
  value = {
    a = { name = "A", secret = var.secret }
    b = { name = "B", secret = var.secret }
  }
  sensitive = true
}
output "plain_list" {
  value     = ["x", "y"]
  sensitive = true
}
