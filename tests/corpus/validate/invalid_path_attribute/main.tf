output "o" {
  value = path.foo
}
