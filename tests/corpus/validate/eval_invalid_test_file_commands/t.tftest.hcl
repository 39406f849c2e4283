run "a" {
  command = "plan"
}
run "a" {
  command = destroy
}
run "1x" {
  command = plan
}
