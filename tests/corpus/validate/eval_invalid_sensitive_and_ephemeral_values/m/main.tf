variable "e" {
  type = string
}
output "o" {
  value = var.e
}
