variable "n" {
  type = number
}
output "out" {
  value = var.n
}
