(component
  (import "i" (instance))
)
