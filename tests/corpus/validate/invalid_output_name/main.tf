output "bad name" {
  value = 1
}
