output "ids" {
  value = aws_instance.web[*].id
}
output "legacy_splat" {
  value = aws_instance.web.*.id
}
output "nested" {
  value = var.list[*].items[*].name
}
output "index" {
  value = aws_instance.web [0] .id
}
output "legacy_index" {
  value = var.list.0.name
}
