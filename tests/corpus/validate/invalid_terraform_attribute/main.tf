output "o" {
  value = terraform.nope
}
