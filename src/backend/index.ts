// Public exports of this area are added here.
export {};
