variable "a" {}
variable "b" {
  type = number
}
output "out" {
  value = var.a
}
output "other" {
  value = 1 + "z"
}
output "out2" {
  value = var.b
}
